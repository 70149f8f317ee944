import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, refreshed, tokens, whenSessionEnds } from '../api/client';
import type { LoginResult, Restriction, Role, User } from '../api/types';

interface Session {
  /** null while not logged in; undefined while the browser's session is being looked for. */
  user: User | null | undefined;
  restrictions: Restriction[];
  signedIn(result: Pick<LoginResult, 'accessToken' | 'user' | 'restrictions'>): void;
  reload(): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Tells the other tabs of this browser that the session began or ended, so they follow at once. */
type SessionNews = 'signed-in' | 'logged-out';
const tabs = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('duban-session');

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
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

  /** Joins the browser's session (another tab's login, or this tab's before a reload), if there is one. */
  const resume = useCallback(async () => {
    if (await refreshed()) await reload();
    else setUser(null);
  }, [reload]);

  const ended = useCallback(() => {
    tokens.clear();
    setUser(null);
  }, []);

  useEffect(() => {
    whenSessionEnds(ended);
    void resume();
    if (!tabs) return;
    const follow = ({ data }: MessageEvent<SessionNews>) => {
      if (data === 'logged-out') ended();
      else if (data === 'signed-in' && !tokens.access) void resume();
    };
    tabs.addEventListener('message', follow);
    return () => tabs.removeEventListener('message', follow);
  }, [resume, ended]);

  const value = useMemo<Session>(
    () => ({
      user,
      restrictions,
      signedIn(result) {
        tokens.save(result.accessToken);
        setUser(result.user);
        setRestrictions(result.restrictions);
        tabs?.postMessage('signed-in' satisfies SessionNews);
      },
      reload,
      async logout() {
        await api.post('/auth/logout').catch(() => undefined);
        ended();
        tabs?.postMessage('logged-out' satisfies SessionNews);
      },
    }),
    [user, restrictions, reload, ended],
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
