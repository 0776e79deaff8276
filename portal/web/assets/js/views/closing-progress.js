// Following a closing once it has started: ask GET /api/v1/closings/{month}
// until the month is closed or its closing failed, and show the result.

import { apiGet } from '../api.js';
import { errorNotice, infoNotice, messageNotice, successNotice } from '../components/notice.js';
import { workflowLink } from '../components/workflow-link.js';
import { el, replace } from '../dom.js';

// pollInterval is how often a running closing is asked about. A closing
// takes seconds, so once a second shows the result soon without load.
const pollInterval = 1000;

// patience is how long one month is followed before the screen stops
// asking and says where to look later: a closing held up this long needs
// an operator's look in the Web UI, not a waiting screen.
const patience = 5 * 60 * 1000;

// followClosing shows in box the progress of a closing of months (in the
// order they are closed) started as the workflow at workflowURL, then its
// outcome, and returns the months it closed. The figures themselves are
// left to the list of closed months, so that they show once. It stops
// early when box leaves the page.
export async function followClosing(box, months, workflowURL) {
  const closed = [];
  for (const [i, month] of months.entries()) {
    replace(box, running(months, i, workflowURL));
    const closing = await waitForMonth(month, box);
    if (!box.isConnected) {
      return closed.map((c) => c.month);
    }
    if (closing.status !== 'closed') {
      showDone(box, stopped(closing, workflowURL));
      return closed.map((c) => c.month);
    }
    closed.push(closing);
  }
  showDone(box, finished(closed));
  return closed.map((c) => c.month);
}

// waitForMonth asks about month until its closing ends, the patience runs
// out (status "waiting") or the API refuses (status "error").
async function waitForMonth(month, box) {
  const deadline = Date.now() + patience;
  for (;;) {
    let closing;
    try {
      closing = await apiGet(`/closings/${encodeURIComponent(month)}`);
    } catch (err) {
      return { month, status: 'error', error: err };
    }
    if (closing.status === 'closed' || closing.status === 'failed') {
      return closing;
    }
    if (Date.now() > deadline || !box.isConnected) {
      return { ...closing, status: 'waiting' };
    }
    await pause(pollInterval);
  }
}

function pause(ms) {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

function running(months, i, workflowURL) {
  const step = months.length > 1 ? `（${i + 1} / ${months.length}か月目）` : '';
  return el('div', { class: 'closing-running' },
    el('p', { role: 'status', class: 'loading' }, `${months[i]} を締めています…${step}`),
    linkLine(workflowURL));
}

function finished(closed) {
  const first = closed[0];
  const last = closed[closed.length - 1];
  const what = closed.length === 1
    ? `${first.fiscal_label}（${first.month}）`
    : `${first.month}〜${last.month}（${closed.length}か月）`;
  return el('div', { class: 'result-box' },
    successNotice(`${what}の締めが完了しました。清算確認に取引収支が計上されています。`
      + '結果は下の「締め済みの月」に「今回」の印を付けて表示しています。'));
}

function stopped(closing, workflowURL) {
  const link = linkLine(closing.workflow_url || workflowURL);
  if (closing.status === 'error') {
    return el('div', { class: 'result-box' }, errorNotice(closing.error));
  }
  if (closing.status === 'waiting') {
    return el('div', { class: 'result-box' }, infoNotice(`${closing.month} の締めはまだ終わっていません。`
      + 'しばらくしてから「締め済みの月」を確認するか、ワークフローの状態を確認してください。'), link);
  }
  return el('div', { class: 'result-box' }, messageNotice(`${closing.month} の締めに失敗しました。`
    + 'アラートとワークフローの履歴で原因を確認し、取り除いてから、もう一度締めてください。'), link);
}

function linkLine(address) {
  const link = workflowLink(address);
  return link ? el('p', {}, 'ワークフロー：', link) : null;
}

// showDone replaces box with the result and moves focus to it, so that
// screen readers announce it.
function showDone(box, result) {
  result.tabIndex = -1;
  replace(box, result);
  result.focus();
}
