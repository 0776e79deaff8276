// Signed amounts in yen, coloured by sign.

import { el } from '../dom.js';
import { signName, signedYen } from '../format.js';

// amount shows n as +5,000円 or -10,000円. The sign is spelled out and the
// colour repeats it, so it is plain without colour too.
export function amount(n) {
  return el('span', { class: `amount amount-${signName(n)}` }, signedYen(n));
}
