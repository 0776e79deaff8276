// How the states of a contract batch read in Japanese.

import { el } from '../dom.js';

// batchStates lists the states an operator can filter by, in order.
export const batchStates = [
  { value: 'processing', label: '処理中' },
  { value: 'completed', label: '完了' },
  { value: 'parked', label: '保留（要対応）' },
  { value: 'discarded', label: '破棄済み' },
];

// batchStatusLabel names a state; an unknown one is shown as the API sent it.
export function batchStatusLabel(status) {
  const state = batchStates.find((s) => s.value === status);
  return state ? state.label : status;
}

// batchStatusBadge shows a state, marked so that parked batches stand out.
export function batchStatusBadge(status) {
  return el('span', { class: `badge badge-batch-${status}` }, batchStatusLabel(status));
}
