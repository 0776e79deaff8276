// Formatting amounts, dates and months for display. Pure functions: no DOM.

// Japan has no daylight saving time, so Japan time is always UTC+9.
const jstOffsetMs = 9 * 60 * 60 * 1000;

const yenDigits = new Intl.NumberFormat('ja-JP', { maximumFractionDigits: 0 });

const counts = new Intl.NumberFormat('ja-JP');

// count spells a number of things with thousands separators: 12,345.
export function count(n) {
  return counts.format(n);
}

// signedNumber spells an amount with its sign and thousands separators:
// +5,000, -10,000, 0.
export function signedNumber(n) {
  const digits = yenDigits.format(Math.abs(n));
  if (n > 0) {
    return `+${digits}`;
  }
  if (n < 0) {
    return `-${digits}`;
  }
  return digits;
}

// signedYen is signedNumber followed by 円: +5,000円.
export function signedYen(n) {
  return `${signedNumber(n)}円`;
}

// signName names an amount's sign for styling: positive, negative or zero.
export function signName(n) {
  if (n > 0) {
    return 'positive';
  }
  return n < 0 ? 'negative' : 'zero';
}

// jstParts returns the Japan-time wall clock of an RFC 3339 timestamp as
// "yyyy-mm-ddTHH:MM:SS", or "" when the timestamp cannot be read.
function jstParts(timestamp) {
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) {
    return '';
  }
  return new Date(ms + jstOffsetMs).toISOString().slice(0, 19);
}

// dateJST formats a timestamp as its calendar date in Japan: yyyy-mm-dd.
export function dateJST(timestamp) {
  return jstParts(timestamp).slice(0, 10);
}

// dateTimeJST formats a timestamp as Japan time: yyyy-mm-dd HH:MM:SS.
export function dateTimeJST(timestamp) {
  return jstParts(timestamp).replace('T', ' ');
}

// monthJST returns the month (YYYY-MM) in Japan at the instant ms
// (milliseconds since the epoch; now by default).
export function monthJST(ms = Date.now()) {
  return new Date(ms + jstOffsetMs).toISOString().slice(0, 7);
}

// isMonth reports whether s is a month written YYYY-MM.
export function isMonth(s) {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(s);
}

// addMonths moves a YYYY-MM month by delta months.
export function addMonths(month, delta) {
  const [year, mon] = month.split('-').map(Number);
  const index = year * 12 + (mon - 1) + delta;
  const newYear = Math.floor(index / 12);
  const newMonth = (index % 12) + 1;
  return `${String(newYear).padStart(4, '0')}-${String(newMonth).padStart(2, '0')}`;
}

// brokerLabel spells an organisation as the screens show it: "name / id".
export function brokerLabel(name, id) {
  return name ? `${name} / ${id}` : id;
}

// brokerOptionLabel spells an organisation in a picker: "id / name". The
// names mostly start alike (データブローカーA, データブローカーB), so the id
// comes first, where typing a letter in the list finds it.
export function brokerOptionLabel(name, id) {
  return name ? `${id} / ${name}` : id;
}

// yen spells an amount without a sign: 5,000円. For amounts whose sign is
// plain from the context, such as a sum of sales.
export function yen(n) {
  return `${yenDigits.format(n)}円`;
}

// dateTodayJST returns the date in Japan at the instant ms (now by
// default): yyyy-mm-dd.
export function dateTodayJST(ms = Date.now()) {
  return new Date(ms + jstOffsetMs).toISOString().slice(0, 10);
}

// isDate reports whether s is a calendar date written yyyy-mm-dd.
export function isDate(s) {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) {
    return false;
  }
  const ms = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
}

// fiscalLabel names a YYYY-MM month by the Japanese fiscal year, which
// starts in April: 2023-09 is 2023年度9月 and 2024-01 is 2023年度1月.
export function fiscalLabel(month) {
  const [year, mon] = month.split('-').map(Number);
  return `${mon >= 4 ? year : year - 1}年度${mon}月`;
}

// parseYen reads a whole number of yen as people type it: thousands
// separators, spaces, full-width digits and a trailing 円 are accepted. It
// returns null for anything else, including amounts too large to be exact.
export function parseYen(text) {
  const ascii = String(text ?? '')
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[,，\s]/g, '')
    .replace(/円$/, '');
  if (!/^\d+$/.test(ascii)) {
    return null;
  }
  const n = Number(ascii);
  return Number.isSafeInteger(n) ? n : null;
}

// monthSpan counts the months from one YYYY-MM month to another, both
// included: 2023-09 to 2023-10 is 2. It is 0 or less when from is later.
export function monthSpan(from, to) {
  const index = (month) => {
    const [year, mon] = month.split('-').map(Number);
    return year * 12 + mon;
  };
  return index(to) - index(from) + 1;
}

// fileSize spells a number of bytes for people: 980バイト, 12.3KB, 1.5MB.
export function fileSize(bytes) {
  if (bytes < 1024) {
    return `${counts.format(bytes)}バイト`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)}KB`;
  }
  return `${(bytes / (1024 * 1024)).toFixed(1)}MB`;
}

// period spells a span of dates, either end of which may be open:
// 2023-09-01〜2023-09-30, 2023-09-01〜, 〜2023-09-30, or "" for none.
export function period(from, to) {
  return from || to ? `${from || ''}〜${to || ''}` : '';
}
