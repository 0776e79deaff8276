// 締め処理: operators close a month now or a range of past months (the
// monthly closing normally runs on its schedule), and see the months that
// are closed, with their figures and a link to each closing's workflow.

import { apiGet } from '../api.js';
import { emptyState, errorNotice, loadingNotice } from '../components/notice.js';
import { el, replace } from '../dom.js';
import { backfillForm, closeNowForm } from './closing-forms.js';
import { closingTable } from './closing-table.js';

// renderClosings draws the two forms, the progress of a closing started
// from them (below both, as wide as the page) and the closed months. The
// forms check against the list which months are closed already; once one
// starts a closing, the other's old errors go.
export async function renderClosings({ root }) {
  const list = el('section', { 'aria-labelledby': 'closed-title' });
  const closed = new Set();
  // A backfill follows months closed before too; only the others are new.
  const onFinished = (months = []) => showClosings(list, closed,
    new Set(months.filter((m) => !closed.has(m))));
  const nowProgress = el('div', { id: 'close-now-progress', class: 'closing-progress' });
  const backfillProgress = el('div', { id: 'backfill-progress', class: 'closing-progress' });
  const forms = {};
  forms.now = closeNowForm({
    progress: nowProgress, closed, onFinished, onStarted: () => forms.backfill.clear(),
  });
  forms.backfill = backfillForm({
    progress: backfillProgress, closed, onFinished, onStarted: () => forms.now.clear(),
  });
  root.append(
    el('p', { class: 'section-note' },
      '月次の締めは月末の後にスケジュールで自動的に実行されます。'
      + 'ここでは、終わった月をすぐに締めたり、締められていない過去の月をまとめて締めたりできます。'),
    el('div', { class: 'panel-grid' },
      formPanel('close-now-title', '今すぐ締める', forms.now.form),
      formPanel('backfill-title', '一括締め（過去の月をまとめて）', forms.backfill.form)),
    nowProgress, backfillProgress, list);
  await onFinished();
}

function formPanel(id, title, form) {
  return el('section', { class: 'panel panel-form', 'aria-labelledby': id },
    el('h2', { id }, title), form);
}

// showClosings (re)draws the closed months, marking those in fresh, and
// keeps closed up to date for the forms' checks.
async function showClosings(list, closed, fresh) {
  const title = el('h2', { id: 'closed-title' }, '締め済みの月');
  replace(list, title, loadingNotice());
  let data;
  try {
    data = await apiGet('/closings');
  } catch (err) {
    replace(list, title, err.handled ? null : errorNotice(err));
    return;
  }
  closed.clear();
  data.items.forEach((c) => closed.add(c.month));
  if (data.items.length === 0) {
    replace(list, title, emptyState('締め済みの月はまだありません。',
      '上のフォームで月を締めると、ここに結果が表示されます。'));
    return;
  }
  replace(list, title,
    el('p', { class: 'table-note' },
      '計上日は清算明細に「取引収支」を計上した日（翌月1日）です。'
      + '収支合計は全データブローカーの収支の和で、0円になるはずです。'),
    closingTable('締め済みの月（新しい順）', data.items, fresh));
}
