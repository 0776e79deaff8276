// 請求書詳細 and 支払詳細: one invoice or payment, its PDF and, for
// operators, the actions its status allows and its change history.

import { apiGet } from '../api.js';
import { actorName } from '../audit.js';
import { emptyState, errorNotice, loadingNotice } from '../components/notice.js';
import { details } from '../components/table.js';
import { workflowLink } from '../components/workflow-link.js';
import { el, replace } from '../dom.js';
import { brokerLabel, dateTimeJST, fileSize, period, yen } from '../format.js';
import { recordPath, settlementPath } from '../paths.js';
import { isOperator } from '../session.js';
import { actionPanel } from './bill-actions.js';
import { billHistory } from './bill-history.js';
import { docLink, statusBadge } from './bill-kinds.js';

// billDetail returns the view of kind's record page.
export function billDetail(kind) {
  return async ({ root, params }) => {
    const body = el('div', {});
    root.append(el('p', {}, el('a', { href: kind.list }, `${kind.listTitle}へ戻る`)), body);
    await showBill(kind, body, params.id, null);
  };
}

// showBill loads the record into body, with notice (what was just done)
// above it.
async function showBill(kind, body, id, notice) {
  replace(body, notice, loadingNotice());
  let data;
  try {
    data = await apiGet(`${kind.api}/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err.code === 'not_found') {
      replace(body, emptyState(`この${kind.noun}は見つかりません。`,
        `${kind.listTitle}から選び直してください。`));
    } else if (!err.handled) {
      replace(body, notice, errorNotice(err));
    }
    return;
  }
  const record = data[kind.key];
  const operator = isOperator();
  const reload = (done) => showBill(kind, body, id, done);
  replace(body, notice,
    details(recordPairs(kind, record, operator)),
    operator ? actionPanel(kind, record, reload) : null,
    operator ? billHistory(kind, data.history) : null);
  if (notice) {
    notice.tabIndex = -1;
    notice.focus();
  }
}

// recordPairs lists the record's fields in the order people read them:
// what it is, for whom and how much, then what happened to it.
function recordPairs(kind, r, operator) {
  const invoice = kind.kind === 'invoice';
  const pairs = invoice
    ? [['請求番号', r.number || '未採番（発行時に採番されます）'], ['請求ID', r.id]]
    : [['支払ID', r.id]];
  pairs.push(
    ['状態', statusBadge(kind, r.status)],
    ['データブローカー', brokerLabel(r.broker_name, r.broker_id)],
    ['金額', yen(r.amount)],
    ['対象期間', period(r.period_from, r.period_to)],
    [kind.date.label, r[kind.date.name]],
    ['備考', r.note],
    [kind.doc.label, documentCell(kind, r)],
  );
  if (invoice) {
    pairs.push(
      ['訂正元の請求書', r.replaces
        ? el('a', { href: recordPath(kind.list, r.replaces) }, r.replaces) : ''],
      ...registration(r, operator),
      ['発行日時', r.issued_at ? dateTimeJST(r.issued_at) : ''],
      ['入金日', r.paid_on],
    );
  } else {
    pairs.push(
      ...registration(r, operator),
      ['承認者', operator ? approval(r) : ''],
      ['支払日', r.paid_on],
    );
  }
  return [...pairs, ...endPairs(r, operator)];
}

// registration says who registered the record and when, for operators.
function registration(r, operator) {
  if (!operator) {
    return [];
  }
  return [['登録者', actorName(r.created_by)], ['登録日時', dateTimeJST(r.created_at)]];
}

function approval(r) {
  if (!r.approved_by) {
    return '未承認';
  }
  return `${actorName(r.approved_by)}（${dateTimeJST(r.approved_at)}）`;
}

// endPairs say how the record ended (voided, or posted to the ledger) and,
// for operators, where its workflow is.
function endPairs(r, operator) {
  const ledger = operator ? settlementPath(r.broker_id) : '/settlement';
  return [
    ['取消日時', r.voided_at ? dateTimeJST(r.voided_at) : ''],
    ['取消理由', r.void_reason],
    ['清算明細', r.ledger_entry_id
      ? [`計上済み（明細ID ${r.ledger_entry_id}）　`, el('a', { href: ledger }, '清算確認で見る')]
      : ''],
    ['ワークフロー', operator ? workflowLink(r.workflow_url) : ''],
  ];
}

function documentCell(kind, r) {
  if (!kind.doc.present(r)) {
    return el('span', { class: 'cell-note' }, '未添付');
  }
  const size = r.document_size ? `（${fileSize(r.document_size)}）` : '';
  return [docLink(kind, r, `${kind.doc.label}をダウンロード`), size];
}
