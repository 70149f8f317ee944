/**
 * How an item is supervised: deadlines for each step in working days, when lights change, when
 * escalation climbs. Policies are immutable once released: a change is a new `version`. An item
 * copies its policy into its own state when registered, so a running item keeps the policy it
 * started with, whatever later releases say.
 */
export interface SupervisionPolicy {
  readonly id: string;
  readonly version: number;
  readonly name: string;
  /** Sign within this many working days of assignment, else a reminder (催签). */
  readonly signInWorkingDays: number;
  /** Submit a plan within this many working days of signing, else a reminder. */
  readonly planWorkingDays: number;
  /** The light turns blue, and a blue notice goes out, when this many working days are left (the due day included). */
  readonly blueWorkingDaysLeft: number;
  /** A progress report is due every this many calendar months while rectifying; missing one turns the item yellow. */
  readonly progressEveryMonths: number;
  /** This many returns (plan or completion) turn the item yellow with a yellow notice. */
  readonly yellowAfterReturns: number;
  /** Working days after the due day when escalation reaches level 1 (the office) and level 2 (the leader, 问责线索). */
  readonly level1AfterWorkingDays: number;
  readonly level2AfterWorkingDays: number;
}

export const STANDARD_POLICY: SupervisionPolicy = {
  id: 'standard',
  version: 1,
  name: '一般督办',
  signInWorkingDays: 1,
  planWorkingDays: 5,
  blueWorkingDaysLeft: 3,
  progressEveryMonths: 1,
  yellowAfterReturns: 2,
  level1AfterWorkingDays: 3,
  level2AfterWorkingDays: 10,
};

/** For problems from the national post-evaluation and inspection tours, and for critical ones: shorter fuses. */
export const STRICT_POLICY: SupervisionPolicy = {
  id: 'strict',
  version: 1,
  name: '重点督办',
  signInWorkingDays: 1,
  planWorkingDays: 3,
  blueWorkingDaysLeft: 5,
  progressEveryMonths: 1,
  yellowAfterReturns: 2,
  level1AfterWorkingDays: 1,
  level2AfterWorkingDays: 5,
};

export const POLICIES: readonly SupervisionPolicy[] = [STANDARD_POLICY, STRICT_POLICY];
