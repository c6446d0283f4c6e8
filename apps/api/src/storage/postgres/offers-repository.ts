import type pg from "pg";
import { type OfferRow, toOffer } from "../rows.js";
import type { OffersRepository } from "../types.js";

export function createOffersRepository(pool: pg.Pool): OffersRepository {
  const one = async (sql: string, params: unknown[]) => {
    const { rows } = await pool.query<OfferRow>(sql, params);
    return rows[0] ? toOffer(rows[0]) : null;
  };
  return {
    async listByProject(projectId) {
      const { rows } = await pool.query<OfferRow>(
        "SELECT * FROM retention_offers WHERE project_id = $1 ORDER BY cancel_reason",
        [projectId],
      );
      return rows.map(toOffer);
    },
    async findByReason(projectId, reason) {
      return one("SELECT * FROM retention_offers WHERE project_id = $1 AND cancel_reason = $2", [
        projectId,
        reason,
      ]);
    },
    async findEnabledByReason(projectId, reason) {
      return one(
        `SELECT * FROM retention_offers
         WHERE project_id = $1 AND cancel_reason = $2 AND enabled`,
        [projectId, reason],
      );
    },
    async upsert(projectId, id, input, now) {
      // One statement, atomic under concurrency: replacing keeps the id and created_at and clears
      // every field the new type does not use. xmax = 0 only on a freshly inserted row.
      const { rows } = await pool.query<OfferRow & { created: boolean }>(
        `INSERT INTO retention_offers (id, project_id, cancel_reason, offer_type, title,
           description, cta_button_text, cta_url, discount_percent, discount_duration_months,
           pause_days, extension_days, downgrade_plan, feature_name, feature_unlock_days, enabled,
           created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17)
         ON CONFLICT (project_id, cancel_reason) DO UPDATE SET offer_type = excluded.offer_type,
           title = excluded.title, description = excluded.description,
           cta_button_text = excluded.cta_button_text, cta_url = excluded.cta_url,
           discount_percent = excluded.discount_percent,
           discount_duration_months = excluded.discount_duration_months,
           pause_days = excluded.pause_days, extension_days = excluded.extension_days,
           downgrade_plan = excluded.downgrade_plan, feature_name = excluded.feature_name,
           feature_unlock_days = excluded.feature_unlock_days, enabled = excluded.enabled,
           updated_at = excluded.updated_at
         RETURNING *, (xmax = 0) AS created`,
        [
          id,
          projectId,
          input.cancelReason,
          input.offerType,
          input.title,
          input.description,
          input.ctaButtonText,
          input.ctaUrl,
          input.discountPercent,
          input.discountDurationMonths,
          input.pauseDays,
          input.extensionDays,
          input.downgradePlan,
          input.featureName,
          input.featureUnlockDays,
          input.enabled,
          now,
        ],
      );
      const row = rows[0] as OfferRow & { created: boolean };
      return { offer: toOffer(row), created: row.created };
    },
    async delete(projectId, reason) {
      const { rowCount } = await pool.query(
        "DELETE FROM retention_offers WHERE project_id = $1 AND cancel_reason = $2",
        [projectId, reason],
      );
      return (rowCount ?? 0) > 0;
    },
  };
}
