import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, tokens, whenSessionEnds } from '../api/client';
import type { LoginResult, Restriction, Role, User } from '../api/types';

interface Session {
  /** null while not logged in; undefined while the stored token is being checked. */
  user: User | null | undefined;
  restrictions: Restriction[];
  signedIn(result: Pick<LoginResult, 'accessToken' | 'refreshToken' | 'user' | 'restrictions'>): void;
  reload(): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(tokens.access ? undefined : null);
  const [restrictions, setRestrictions] = useState<Restriction[]>([]);

  const reload = useCallback(async () => {
    try {
      const me = await api.get<User & { restrictions: Restriction[] }>('/auth/me');
      setUser(me);
      setRestrictions(me.restrictions);
    } catch {
      tokens.clear();
      setUser(null);
    }
  }, []);

  useEffect(() => {
    whenSessionEnds(() => setUser(null));
    if (tokens.access) void reload();
  }, [reload]);

  const value = useMemo<Session>(
    () => ({
      user,
      restrictions,
      signedIn(result) {
        tokens.save(result.accessToken, result.refreshToken);
        setUser(result.user);
        setRestrictions(result.restrictions);
      },
      reload,
      async logout() {
        await api.post('/auth/logout').catch(() => undefined);
        tokens.clear();
        setUser(null);
      },
    }),
    [user, restrictions, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export function hasRole(user: User | null | undefined, ...roles: Role[]): boolean {
  return !!user && user.roles.some((role) => roles.includes(role));
}
