// 取消: cancelling a settlement entry by recording its opposite. The entry
// itself stays in the ledger; the reversal is a new entry dated today.

import { apiPost, newIdempotencyKey } from '../api.js';
import { amount } from '../components/amount.js';
import { confirmDialog } from '../components/confirm-dialog.js';
import { field } from '../components/form.js';
import { errorNotice, successNotice } from '../components/notice.js';
import { details } from '../components/table.js';
import { el } from '../dom.js';
import { brokerLabel } from '../format.js';

// maxReasonLength is the API's limit on a reason, in characters.
export const maxReasonLength = 500;

// reverseEntry asks for a reason and a confirmation, then records the
// reversal of item. onDone receives the notice to show (done or failed)
// and reloads the ledger.
export async function reverseEntry(item, { broker, onDone }) {
  const reason = reasonField();
  const confirmed = await confirmDialog({
    title: 'この明細を取り消しますか？',
    body: [
      details([
        ['データブローカー', brokerLabel(broker.name, broker.id)],
        ['更新日', item.date],
        ['摘要', item.description],
        ['収支', amount(item.amount)],
        ['取消で計上する収支', amount(-item.amount)],
      ]),
      el('p', {}, '元の明細は残したまま、収支を打ち消す明細を本日付で追加します。'),
      reason.wrapper,
    ],
    confirmLabel: '取消を記録する',
    danger: true,
    initialFocus: reason.control,
    beforeConfirm: () => checkReason(reason),
  });
  if (!confirmed) {
    return;
  }
  const body = { reason: reason.control.value.trim() };
  const headers = { 'Idempotency-Key': newIdempotencyKey() };
  try {
    await apiPost(`/settlements/${encodeURIComponent(item.id)}/reverse`, body, { headers });
  } catch (err) {
    if (!err.handled) {
      await onDone(errorNotice(err));
    }
    return;
  }
  await onDone(successNotice(`「${item.description}」（${item.date}）を取り消しました。`));
}

function reasonField() {
  return field('取消の理由', el('input', {
    name: 'reason', maxlength: maxReasonLength, autocomplete: 'off', required: true,
  }), { hint: `必須（${maxReasonLength}文字まで）。例：金額の誤り` });
}

// checkReason shows an error beside the reason unless one was given.
function checkReason(reason) {
  const text = reason.control.value.trim();
  const problem = text ? '' : '取消の理由を入力してください。';
  reason.setError(problem);
  if (problem) {
    reason.control.focus();
  }
  return !problem;
}
