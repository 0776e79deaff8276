// The API's rules for a counterparty's values, checked in the browser too
// so that mistakes show beside their fields before the confirmation step.
// The API checks them again and has the last word. Pure functions: no DOM.

// maxKanaLength is the API's limit on a kana name, in characters.
const maxKanaLength = 100;

// Katakana, the marks and punctuation bank transfers allow in names, and
// capital letters and digits, as the API accepts them.
const kanaPattern = /^[\p{Script=Katakana}ー・ｰﾞﾟ 　()（）.．,，\-－/／A-Z0-9]+$/u;

// atext is a character of an address's local part or domain (RFC 5322):
// visible ASCII but the specials, or any non-ASCII letter.
const atext = '[^\\s()<>\\[\\]:;@\\\\,".\\u0000-\\u001f\\u007f]';
const dotAtom = `${atext}+(?:\\.${atext}+)*`;
const emailPattern = new RegExp(`^${dotAtom}@${dotAtom}$`, 'u');

// isKana reports whether s is a name in katakana, as bank transfers and
// the API take it.
export function isKana(s) {
  return kanaPattern.test(s) && Array.from(s).length <= maxKanaLength;
}

// isEmail reports whether s is a bare e-mail address (no display name).
export function isEmail(s) {
  return s.length <= 254 && emailPattern.test(s);
}

// isRegistrationNumber reports whether s is T followed by 13 digits.
export function isRegistrationNumber(s) {
  return /^T\d{13}$/.test(s);
}

// registrationCheckDigitOK reports whether the first of the 13 digits is
// the check digit of the other twelve: 9 minus (the sum of the digits,
// weighted 1, 2, 1, 2 … from the right) modulo 9.
export function registrationCheckDigitOK(s) {
  if (!isRegistrationNumber(s)) {
    return false;
  }
  const base = s.slice(2);
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    sum += Number(base[11 - i]) * (1 + (i % 2));
  }
  return Number(s[1]) === 9 - (sum % 9);
}

// isPlainText reports whether s holds no control or invisible characters
// (zero-width spaces, direction marks), which the API refuses in names.
export function isPlainText(s) {
  return !/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/.test(s);
}
