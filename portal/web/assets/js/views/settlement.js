// 清算確認: the settlement ledger. Its API is not there yet, so the screen
// says what it will show.

import { emptyState } from '../components/notice.js';

// renderSettlement draws the placeholder.
// TODO: list GET /api/v1/settlements (broker picker for operators; rows of
// signed amount, 摘要 and date, oldest first; 清算残高 with its sign) once
// the API serves it. Until then users see only this notice.
export function renderSettlement({ root }) {
  root.append(emptyState('清算確認の画面は準備中です。',
    '清算残高と明細（収支・摘要・更新日）は、この画面で確認できるようになる予定です。'
    + '取引ごとの収支は「取引履歴」で確認できます。'));
}
