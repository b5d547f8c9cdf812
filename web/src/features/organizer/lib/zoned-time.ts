// Wall-clock times in an event's time zone, as the panel's date fields show and read them: the organizer types
// "2026-05-01 19:00" for an event in Asia/Dubai and means 19:00 there, whatever zone the browser is in. The API
// speaks unix seconds; Intl knows the zones' offsets (daylight saving included), so no table is kept here.

const pad = (n: number) => String(n).padStart(2, "0");

/** The browser's own zone (the default of a new event), or UTC when it cannot say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** Whether Intl knows this IANA zone name. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return zone.trim() !== "";
  } catch {
    return false;
  }
}

/** The zones to offer: Intl's list where the browser has it, with `current` always among them. */
export function timeZones(current: string): string[] {
  const list = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"];
  const all = new Set([...list, "UTC", current].filter(Boolean));
  return [...all].sort();
}

/** Seconds the zone is ahead of UTC at the instant `unix`. */
function offsetAt(zone: string, unix: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(unix * 1000));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second")) / 1000;
  return asUtc - unix;
}

/** unix seconds → "YYYY-MM-DDTHH:MM" on the zone's clock (a datetime-local field's value). */
export function toZonedInput(unix: number, zone: string): string {
  const local = new Date((unix + offsetAt(zone, unix)) * 1000);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

/** "YYYY-MM-DDTHH:MM" on the zone's clock → unix seconds; null for anything else. A time the clocks skip (spring
 *  forward) lands an hour later, as calendars do. */
export function fromZonedInput(text: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])) / 1000;
  if (Number.isNaN(wall)) return null;
  // The offset at the guess, then at the answer: twice settles every transition.
  let unix = wall - offsetAt(zone, wall);
  unix = wall - offsetAt(zone, unix);
  return unix;
}
