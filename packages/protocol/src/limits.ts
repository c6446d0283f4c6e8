/** Limits shared by the API (which enforces them) and the widget (which keeps within them). */

/** Free text a customer may type with a reason; longer is refused with a 400, not truncated. */
export const REASON_TEXT_MAX_LENGTH = 2000;

/** The most events one `POST /track` may carry. */
export const TRACK_BATCH_MAX = 100;

/** No answer within this many milliseconds counts as a failure and ends in `outcome: "error"`. */
export const WIDGET_TIMEOUT_MS = 3000;

/** Passwords: at least 8 characters (one of them not a space), at most 1024 (argon2 hashes it all). */
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;

/** Buckets of `GET …/stats/timeseries`; weeks start on Monday (ISO 8601), all in UTC. */
export const STATS_INTERVALS = ["day", "week"] as const;
export type StatsInterval = (typeof STATS_INTERVALS)[number];

/** The most buckets one `stats/timeseries` answer holds. */
export const TIMESERIES_MAX_BUCKETS = 366;
