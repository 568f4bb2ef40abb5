// A site's audit log: a page, newest first, paged by keyset, and a CSV export.
// Read-only: there is no route that edits or deletes a line.
import type { FastifyInstance } from 'fastify';
import { AUDIT_CSV_HEADER, auditCsvRow, auditLabel, canSeeAudit, csvRow, recordAudit } from '../audit/audit';
import type { AuditEntry } from '../storage/types';
import { esc, formatTime, layout } from './html';
import type { ViewerContext } from './pages';
import { idPathSegment } from './id-path';

const PER_PAGE = 50;
/** The CSV is read in pages of this many lines, so a long log is not one huge query. */
const EXPORT_PAGE = 1000;

/** `?before=<at>~<id>`: the last line of the page before. */
function parseBefore(value: unknown): { at: number; id: number } | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{1,15})~(\d{1,15})$/.exec(value);
  return match ? { at: Number(match[1]), id: Number(match[2]) } : null;
}

function who(entry: AuditEntry): string {
  if (entry.actor) return esc(entry.actor);
  return entry.userId === null ? '<span class="muted">command line</span>' : `<span class="muted">removed user #${entry.userId}</span>`;
}

/** The detail, with a watched session linked to its replay (a deleted one answers that it is gone). */
function detail(siteBase: string, entry: AuditEntry): string {
  if (!entry.detail) return '<span class="muted">–</span>';
  const watched = entry.action === 'session.view' ? /^session (\S+)$/.exec(entry.detail) : null;
  if (watched) return `session <a class="mono" href="${esc(`${siteBase}/sessions/${idPathSegment(watched[1])}`)}">${esc(watched[1])}</a>`;
  return esc(entry.detail);
}

export async function auditPages(app: FastifyInstance, ctx: ViewerContext): Promise<void> {
  const { storage, now } = ctx;

  app.get<{ Params: { site: string }; Querystring: { before?: string } }>(
    '/sites/:site/audit',
    { preHandler: ctx.requireUser },
    async (request, reply) => {
      const site = ctx.siteOf(request, request.params.site);
      if (!site || !canSeeAudit(request.viewer!, site)) return ctx.notFound(reply, 'No such site, or you may not see its audit log.');
      const before = parseBefore(request.query.before);
      const entries = await storage.listAudit(site.id, { limit: PER_PAGE + 1, before });
      const siteBase = `/sites/${encodeURIComponent(site.name)}`;
      const rows = entries.slice(0, PER_PAGE).map(
        (e) => `<tr class="audit-${esc(e.action.replace(/\./g, '-'))}">
<td data-label="Time">${esc(formatTime(e.at))}</td>
<td data-label="User">${who(e)}</td>
<td data-label="Action">${esc(auditLabel(e.action))}</td>
<td data-label="Detail" class="detail">${detail(siteBase, e)}</td>
<td data-label="IP" class="mono">${esc(e.ip ?? '–')}</td>
</tr>`,
      );
      const last = entries[PER_PAGE - 1];
      let pager = '';
      if (before) pager += `<a href="${esc(`${siteBase}/audit`)}">newest</a> `;
      if (entries.length > PER_PAGE && last)
        pager += `<a href="${esc(`${siteBase}/audit?before=${last.at}~${last.id}`)}" rel="next">older ${PER_PAGE}</a>`;
      const table = rows.length
        ? `<div class="table-scroll"><table class="sessions audit"><thead><tr><th>Time</th><th>User</th><th>Action</th><th>Detail</th><th>IP</th></tr></thead><tbody>${rows.join(
            '',
          )}</tbody></table></div><p class="pager">${pager}</p>`
        : before
          ? `<p class="empty">No older lines. <a href="${esc(`${siteBase}/audit`)}">Back to the newest</a>.</p>`
          : '<p class="empty">Nothing logged yet. Logins, watched and deleted sessions and two-factor changes of this site\'s users show up here.</p>';
      const body = `<p class="crumbs"><a href="/">Sites</a> › <a href="${esc(siteBase)}">${esc(site.name)}</a></p>
<h1>${esc(site.name)} <span class="muted">audit log</span></h1>
<p class="muted">Who logged in, watched or deleted what, newest first, with the address it came from. Lines older than the retention period are deleted with the recordings. <a href="${esc(
        `${siteBase}/audit.csv`,
      )}" download>Download as CSV</a></p>
${table}`;
      return reply.type('text/html; charset=utf-8').send(layout(`${site.name} audit log`, body, { nav: ctx.nav(request) }));
    },
  );

  app.get<{ Params: { site: string } }>('/sites/:site/audit.csv', { preHandler: ctx.requireUser }, async (request, reply) => {
    const site = ctx.siteOf(request, request.params.site);
    if (!site || !canSeeAudit(request.viewer!, site)) return ctx.notFound(reply, 'No such site, or you may not see its audit log.');
    // the export is itself logged, before it is read: it is in the file it makes
    await recordAudit(storage, { siteId: site.id, userId: request.viewer!.userId, action: 'audit.export', ip: request.ip, at: now() });
    let csv = csvRow(AUDIT_CSV_HEADER);
    let before: { at: number; id: number } | null = null;
    for (;;) {
      const page = await storage.listAudit(site.id, { limit: EXPORT_PAGE, before });
      for (const entry of page) csv += auditCsvRow(entry);
      if (page.length < EXPORT_PAGE) break;
      const last = page[page.length - 1];
      before = { at: last.at, id: last.id };
    }
    const day = new Date(now()).toISOString().slice(0, 10);
    const filename = `veil-audit-${site.name.replace(/[^A-Za-z0-9._-]/g, '_')}-${day}.csv`;
    return reply.header('Content-Disposition', `attachment; filename="${filename}"`).type('text/csv; charset=utf-8').send(csv);
  });
}
