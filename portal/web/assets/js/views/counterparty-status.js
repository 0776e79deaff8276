// Whether a counterparty is active (有効) or not (無効), as a badge.

import { el } from '../dom.js';

// activeBadge shows a counterparty's state; inactive ones stand out.
export function activeBadge(active) {
  return active
    ? el('span', { class: 'badge badge-confirmed' }, '有効')
    : el('span', { class: 'badge badge-disabled' }, '無効');
}
