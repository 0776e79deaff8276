// The change history (変更履歴) of an invoice or a payment, for operators:
// which fields each action changed, before and after.

import { actorName, dateOf } from '../audit.js';
import { changeHistory } from '../components/change-history.js';
import { dateTimeJST, fileSize, period, yen } from '../format.js';
import { statusLabel } from './bill-kinds.js';

const actionNames = {
  invoice: {
    create: '登録', update: '更新', issue: '発行', overdue: '期限超過', pay: '入金記録',
    void: '取消',
  },
  payment: {
    create: '登録', update: '更新', statement: '支払明細書登録', approve: '承認', pay: '支払記録',
    void: '取消',
  },
};

// document describes the attached PDF by size and the start of its
// SHA-256, so that a replaced file shows as a change even at equal size.
function documentText(r) {
  if (!r.document_sha256) {
    return 'なし';
  }
  return `${fileSize(Number(r.document_size) || 0)}（SHA-256 ${r.document_sha256.slice(0, 12)}…）`;
}

function fieldsFor(kind) {
  const common = [
    { label: '状態', value: (r) => statusLabel(kind, r.status) },
    { label: '金額', value: (r) => (r.amount ? yen(r.amount) : '') },
    { label: kind.date.label, value: (r) => dateOf(r[kind.date.name]) },
    { label: '対象期間', value: (r) => period(dateOf(r.period_from), dateOf(r.period_to)) },
    { label: '備考', value: (r) => r.note },
    { label: kind.doc.label, value: documentText },
  ];
  if (kind.kind === 'invoice') {
    return [
      { label: '請求番号', value: (r) => r.number },
      ...common,
      { label: '訂正元', value: (r) => r.replaces },
      { label: '発行日時', value: (r) => (r.issued_at ? dateTimeJST(r.issued_at) : '') },
      { label: '入金日', value: (r) => dateOf(r.paid_on) },
      { label: '取消理由', value: (r) => r.void_reason },
    ];
  }
  return [
    ...common,
    { label: '承認者', value: (r) => (r.approved_by ? actorName(r.approved_by) : '') },
    { label: '支払日', value: (r) => dateOf(r.paid_on) },
    { label: '取消理由', value: (r) => r.void_reason },
  ];
}

// billHistory shows records (the API's history of one record of kind).
export function billHistory(kind, records) {
  return changeHistory(records, { fields: fieldsFor(kind), actions: actionNames[kind.kind] });
}
