/**
 * Calendar arithmetic for Iceberg's date and time values, done on integers so that it is exact
 * for every representable value (no `Date`, whose range and millisecond precision are too small
 * for microsecond and nanosecond timestamps).
 *
 * Dates are days since 1970-01-01 (proleptic Gregorian, like `java.time`); times are
 * microseconds since midnight; timestamps are micro- or nanoseconds since the epoch. Division is
 * always floor division, so values before 1970 land in the right day, hour, month and year
 * (spec §Partition Transforms; Java `DateTimeUtil.convertMicros` computes the same floor).
 *
 * @module
 */

/** Microseconds in a second. */
export const MICROS_PER_SECOND = 1_000_000n;
/** Microseconds in an hour. */
export const MICROS_PER_HOUR = 3_600_000_000n;
/** Microseconds in a day. */
export const MICROS_PER_DAY = 86_400_000_000n;
/** Nanoseconds in a microsecond. */
export const NANOS_PER_MICRO = 1_000n;

/**
 * Floor division of bigints (`Math.floorDiv`): rounds towards negative infinity.
 * @param a dividend
 * @param b divisor, non-zero
 */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/**
 * Floor modulo of bigints (`Math.floorMod`): the result has the sign of the divisor.
 * @param a dividend
 * @param b divisor, non-zero
 */
export function floorMod(a: bigint, b: bigint): bigint {
  return a - floorDiv(a, b) * b;
}

/** A calendar date. */
export interface CivilDate {
  /** Proleptic Gregorian year (may be zero or negative). */
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly day: number;
}

/**
 * Days since 1970-01-01 of a calendar date (H. Hinnant's `days_from_civil`).
 * @param year proleptic Gregorian year
 * @param month 1–12
 * @param day 1–31
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * The calendar date of a day number (H. Hinnant's `civil_from_days`).
 * @param days days since 1970-01-01
 */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Whether a year/month/day triple names a real date. */
export function isValidCivil(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return day <= (lengths[month - 1] ?? 0);
}

function pad(n: number | bigint, width: number): string {
  const s = String(n < 0 ? -n : n).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

/**
 * Years as `java.time` prints them in ISO dates: at least 4 digits, a `+` above 9999.
 * @param year the year
 */
function formatYear(year: number): string {
  if (year > 9999) return `+${year}`;
  return pad(year, 4);
}

/**
 * ISO-8601 date `YYYY-MM-DD` of a day number (Java `ISO_LOCAL_DATE`).
 * @param days days since 1970-01-01
 */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${formatYear(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * Fraction of a second, `.` plus `digits` digits, or stripped of trailing zeros when `strip` is
 * set (Java `ISO_LOCAL_TIME` prints only the digits needed; Iceberg's JSON form keeps all six).
 */
function formatFraction(fraction: bigint, digits: number, strip: boolean): string {
  if (strip) {
    if (fraction === 0n) return '';
    return `.${pad(fraction, digits).replace(/0+$/, '')}`;
  }
  return `.${pad(fraction, digits)}`;
}

/** Options for formatting times and timestamps. */
export interface FormatTimeOptions {
  /** Fraction digits: 6 for microseconds, 9 for nanoseconds. */
  readonly digits: 6 | 9;
  /** Strip trailing zeros of the fraction (and the dot when it is zero), as Java's ISO formatters do. */
  readonly strip: boolean;
}

/**
 * `HH:MM:SS.ffffff` of a time of day.
 * @param unitsOfDay micro- (or nano-, with `digits: 9`) seconds since midnight
 * @param options fraction digits and stripping
 */
export function formatTime(unitsOfDay: bigint, options: FormatTimeOptions): string {
  const perSecond = options.digits === 6 ? MICROS_PER_SECOND : MICROS_PER_SECOND * 1000n;
  const seconds = floorDiv(unitsOfDay, perSecond);
  const fraction = floorMod(unitsOfDay, perSecond);
  const h = Number(seconds / 3600n);
  const m = Number((seconds / 60n) % 60n);
  const s = Number(seconds % 60n);
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${formatFraction(fraction, options.digits, options.strip)}`;
}

/**
 * `YYYY-MM-DDTHH:MM:SS.ffffff` (no zone) of a timestamp.
 * @param units micro- (or nano-, with `digits: 9`) seconds since the epoch
 * @param options fraction digits and stripping
 */
export function formatTimestamp(units: bigint, options: FormatTimeOptions): string {
  const perDay = options.digits === 6 ? MICROS_PER_DAY : MICROS_PER_DAY * 1000n;
  const days = floorDiv(units, perDay);
  const ofDay = floorMod(units, perDay);
  return `${formatDate(Number(days))}T${formatTime(ofDay, options)}`;
}

/** A parsed ISO-8601 date-time: the local fields in units, plus the zone offset if one was given. */
export interface ParsedDateTime {
  /** Units (micro- or nanoseconds) since the epoch of the local date-time, offset not applied. */
  readonly localUnits: bigint;
  /** The offset in minutes east of UTC, if the text had one (`Z` is 0). */
  readonly offsetMinutes?: number;
}

const DATE_RE = /^([+-]?\d{4,9})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const OFFSET_RE = /(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/**
 * Days since the epoch of an ISO-8601 date `YYYY-MM-DD`, or undefined when the text is not one.
 * @param text the date
 */
export function parseDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (!isValidCivil(year, month, day)) return undefined;
  return daysFromCivil(year, month, day);
}

/**
 * Units since midnight of an ISO-8601 time `HH:MM[:SS[.fffffffff]]`, or undefined.
 * @param text the time
 * @param digits 6 for microseconds, 9 for nanoseconds; extra fraction digits are rejected unless zero
 */
export function parseTime(text: string, digits: 6 | 9): bigint | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23 || min > 59 || s > 59) return undefined;
  const rawFraction = m[4] ?? '';
  const kept = rawFraction.slice(0, digits);
  // Finer precision than the type holds cannot be represented: reject rather than round.
  if (/[1-9]/.test(rawFraction.slice(digits))) return undefined;
  const fraction = BigInt(kept.padEnd(digits, '0') || '0');
  const perSecond = digits === 6 ? MICROS_PER_SECOND : MICROS_PER_SECOND * 1000n;
  return BigInt(h * 3600 + min * 60 + s) * perSecond + fraction;
}

/**
 * Parses `YYYY-MM-DD[(T| )HH:MM[:SS[.f…]]][Z|±HH[:MM]]`. A bare date is midnight.
 * @param text the date-time
 * @param digits 6 for microseconds, 9 for nanoseconds
 * @returns the local units and the offset, or undefined when the text is not a date-time
 */
export function parseDateTime(text: string, digits: 6 | 9): ParsedDateTime | undefined {
  let rest = text.trim();
  let offsetMinutes: number | undefined;
  const sep = rest.search(/[T ]/i);
  const datePart = sep < 0 ? rest : rest.slice(0, sep);
  let timePart = sep < 0 ? '' : rest.slice(sep + 1);
  if (sep < 0) {
    // A bare date may still carry a zone (`2026-01-01Z`): rare, but harmless to accept.
    const om = /^(.*\d)(Z)$/i.exec(datePart);
    if (om) {
      rest = om[1] ?? '';
      offsetMinutes = 0;
    }
  } else {
    const om = OFFSET_RE.exec(timePart);
    if (om && om.index > 0) {
      offsetMinutes = parseOffset(om[1] ?? '');
      if (offsetMinutes === undefined) return undefined;
      timePart = timePart.slice(0, om.index);
    }
  }
  const days = parseDate(sep < 0 ? rest : datePart);
  if (days === undefined) return undefined;
  const perDay = digits === 6 ? MICROS_PER_DAY : MICROS_PER_DAY * 1000n;
  let ofDay = 0n;
  if (sep >= 0) {
    const t = parseTime(timePart, digits);
    if (t === undefined) return undefined;
    ofDay = t;
  }
  const localUnits = BigInt(days) * perDay + ofDay;
  return offsetMinutes === undefined ? { localUnits } : { localUnits, offsetMinutes };
}

function parseOffset(text: string): number | undefined {
  if (text.toUpperCase() === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!m) return undefined;
  const h = Number(m[2]);
  const min = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 18 || min > 59) return undefined;
  const total = h * 60 + min;
  return m[1] === '-' ? -total : total;
}

/**
 * Applies a zone offset to local units, giving UTC units.
 * @param parsed the parsed date-time
 * @param digits 6 or 9
 */
export function toUtcUnits(parsed: ParsedDateTime, digits: 6 | 9): bigint {
  if (parsed.offsetMinutes === undefined || parsed.offsetMinutes === 0) return parsed.localUnits;
  const perMinute = (digits === 6 ? MICROS_PER_SECOND : MICROS_PER_SECOND * 1000n) * 60n;
  return parsed.localUnits - BigInt(parsed.offsetMinutes) * perMinute;
}
