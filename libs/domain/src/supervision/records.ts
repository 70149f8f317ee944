import type { Actor } from '../actor.js';

export interface ActorRef {
  readonly userId: string;
  readonly name: string;
  readonly unitId: string;
}

export const actorRef = (actor: Actor): ActorRef => ({ userId: actor.userId, name: actor.name, unitId: actor.unitId });

/** An attachment as the item's state keeps it: enough to list and verify it, not the bytes. */
export interface EvidenceRef {
  readonly id: string;
  readonly filename: string;
  readonly sha256: string;
  readonly size: number;
}

export interface Report {
  readonly summary: string;
  readonly evidence: readonly EvidenceRef[];
  readonly at: string;
  readonly by: ActorRef;
}

export type NoticeColour = 'blue' | 'yellow' | 'red';

/** A three-colour supervision notice (蓝/黄/红督办单), a formal record sent to the unit and its leader. */
export interface Notice {
  /** Business key, unique per item: the same notice is never issued twice. */
  readonly key: string;
  readonly colour: NoticeColour;
  readonly reason: string;
  readonly issuedAt: string;
  /** Formal number, e.g. 督办〔2026〕红字第3号; filled in when the notice is recorded. */
  readonly number: string | null;
}

export interface Escalation {
  readonly level: 0 | 1 | 2;
  readonly since: string | null;
  /** Level-2 items are flagged as accountability leads (问责线索). */
  readonly accountability: boolean;
  /** The office's (or leader's) latest action on the current level; null while it waits in the queue. */
  readonly handled: { readonly action: EscalationAction; readonly at: string; readonly by: ActorRef; readonly note: string } | null;
}

export type EscalationAction = 'urge' | 'interview' | 'extend';
