/** Session and login rules (等保 level 2/3 practice). */
export const AUTH_RULES = {
  /** Access tokens are short-lived; the refresh token renews them. */
  accessTokenSeconds: 15 * 60,
  /** A session ends after this long however active it is: log in again each working day. */
  sessionMaxSeconds: 12 * 3600,
  /** A session ends after this long without a request. */
  idleSeconds: Number(process.env.AUTH_IDLE_MINUTES ?? 30) * 60,
  /** Failed logins in a row that lock the account, and for how long. */
  lockAfterFailures: 5,
  lockSeconds: 15 * 60,
  /** Login attempts per source address per minute (any username). */
  loginAttemptsPerMinute: 30,
  /** lastSeenAt is written at most this often per session. */
  touchEverySeconds: 60,
} as const;
