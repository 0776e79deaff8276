// 連携バッチ詳細: one contract batch, its counts, its last error, the
// contracts that conflicted with earlier ones, a link to its workflow in
// the Temporal Web UI and, while it is parked, 再実行 and 破棄.

import { apiGet, apiPost } from '../api.js';
import { confirmDialog } from '../components/confirm-dialog.js';
import { emptyState, errorNotice, loadingNotice, successNotice } from '../components/notice.js';
import { dataTable, details } from '../components/table.js';
import { workflowLink } from '../components/workflow-link.js';
import { el, on, replace } from '../dom.js';
import { count, dateTimeJST } from '../format.js';
import { batchStatusBadge } from './batch-status.js';

// What each operator action says, asks and confirms.
const actionTexts = {
  retry: {
    button: '再実行',
    title: 'このバッチを再実行しますか？',
    body: (b) => `リクエストID「${b.request_id}」の取り込みを、まだ登録されていない約定からやり直します。`,
    confirm: '再実行する',
    done: '再実行を受け付けました。状態が変わるまで少し時間がかかることがあります。',
  },
  discard: {
    button: '破棄',
    title: 'このバッチを破棄しますか？',
    body: (b) => `リクエストID「${b.request_id}」のまだ登録されていない約定を取り込まずに、`
      + 'バッチを破棄済みにします。この操作は取り消せません。',
    confirm: '破棄する',
    done: '破棄を受け付けました。状態が変わるまで少し時間がかかることがあります。',
  },
};

// renderBatch draws the batch named in the URL.
export async function renderBatch({ root, params }) {
  const body = el('div', {});
  root.append(el('p', {}, el('a', { href: '/batches' }, '連携バッチの一覧へ戻る')), body);
  await showBatch(body, params.requestId, null);
}

// showBatch loads the batch into body, with notice above it.
async function showBatch(body, requestId, notice) {
  replace(body, notice, loadingNotice());
  let batch;
  try {
    batch = await apiGet(`/contract-batches/${encodeURIComponent(requestId)}`);
  } catch (err) {
    if (err.code === 'not_found') {
      replace(body, emptyState(`リクエストID「${requestId}」の連携バッチはありません。`,
        '一覧から選び直してください。'));
    } else if (!err.handled) {
      replace(body, notice, errorNotice(err));
    }
    return;
  }
  const reload = () => showBatch(body, requestId, null);
  replace(body, notice, batchDetails(batch),
    batch.status === 'parked' ? parkedActions(batch, body) : refreshButton(reload),
    conflicts(batch));
}

function batchDetails(b) {
  return details([
    ['リクエストID', b.request_id],
    ['状態', batchStatusBadge(b.status)],
    ['約定件数', count(b.contracts)],
    ['チャンク数', count(b.chunks)],
    ['登録', count(b.stored)],
    ['重複（登録済みと同じ内容）', count(b.duplicate)],
    ['不一致（登録済みと異なる内容）', count(b.conflicting)],
    ['受信日時', dateTimeJST(b.received_at)],
    ['完了日時', b.finished_at ? dateTimeJST(b.finished_at) : ''],
    ['最後のエラー', b.last_error ? el('pre', { class: 'error-text' }, b.last_error) : ''],
    ['ワークフローID', b.workflow_id],
    ['ワークフロー', workflowLink(b.workflow_url)],
  ]);
}

function refreshButton(reload) {
  const button = el('button', { type: 'button', class: 'button' }, '最新の状態に更新');
  on(button, 'click', reload);
  return el('div', { class: 'toolbar' }, button);
}

// parkedActions offers 再実行 and 破棄, each after a confirmation step.
function parkedActions(batch, body) {
  const status = el('div', { class: 'action-status' });
  const buttons = ['retry', 'discard'].map((action) => {
    const kind = action === 'discard' ? 'button button-danger' : 'button button-primary';
    return el('button', { type: 'button', class: kind }, actionTexts[action].button);
  });
  buttons.forEach((button, i) => {
    const action = i === 0 ? 'retry' : 'discard';
    on(button, 'click', () => resolveParked({ batch, action, body, buttons, status }));
  });
  return el('section', { class: 'panel panel-warning', 'aria-labelledby': 'parked-title' },
    el('h2', { id: 'parked-title' }, '対応が必要です'),
    el('p', {}, 'このバッチは再試行の上限に達して保留されています。原因を取り除いてから'
      + '再実行するか、取り込みをやめて破棄してください。'),
    el('div', { class: 'button-row' }, buttons),
    status);
}

async function resolveParked({ batch, action, body, buttons, status }) {
  const text = actionTexts[action];
  const confirmed = await confirmDialog({
    title: text.title, body: text.body(batch), confirmLabel: text.confirm,
    danger: action === 'discard',
  });
  if (!confirmed) {
    return;
  }
  buttons.forEach((b) => { b.disabled = true; });
  replace(status, el('p', { role: 'status' }, '送信中…'));
  const path = `/contract-batches/${encodeURIComponent(batch.request_id)}/${action}`;
  try {
    await apiPost(path, {});
  } catch (err) {
    buttons.forEach((b) => { b.disabled = false; });
    replace(status, err.handled ? null : errorNotice(err));
    return;
  }
  const done = successNotice(text.done);
  done.tabIndex = -1;
  await showBatch(body, batch.request_id, done);
  done.focus();
}

function conflicts(batch) {
  if (!batch.conflicts || batch.conflicts.length === 0) {
    return null;
  }
  const rows = batch.conflicts.map((c) => [
    c.contract_id,
    el('pre', { class: 'json' }, JSON.stringify(c.reported, null, 2)),
  ]);
  return el('section', { 'aria-labelledby': 'conflicts-title' },
    el('h2', { id: 'conflicts-title' }, '不一致の約定'),
    el('p', {}, '登録済みの約定と同じ約定IDで内容が異なるため、登録しなかった約定です'
      + '（最大100件）。取引市場に確認してください。'),
    dataTable({
      columns: [{ label: '約定ID' }, { label: '送られてきた内容' }],
      rows,
    }));
}
