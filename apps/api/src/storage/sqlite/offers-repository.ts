import { type OfferRow, toOffer } from "../rows.js";
import type { OfferInput, OffersRepository } from "../types.js";
import type { SqliteDatabase } from "./database.js";

export function createOffersRepository(db: SqliteDatabase): OffersRepository {
  const byProject = db.prepare<[string], OfferRow>(
    "SELECT * FROM retention_offers WHERE project_id = ? ORDER BY cancel_reason",
  );
  const byReason = db.prepare<[string, string], OfferRow>(
    "SELECT * FROM retention_offers WHERE project_id = ? AND cancel_reason = ?",
  );
  const enabledByReason = db.prepare<[string, string], OfferRow>(
    "SELECT * FROM retention_offers WHERE project_id = ? AND cancel_reason = ? AND enabled = 1",
  );
  const insert = db.prepare(
    `INSERT INTO retention_offers (id, project_id, cancel_reason, offer_type, title, description,
       cta_button_text, cta_url, discount_percent, discount_duration_months, pause_days,
       extension_days, downgrade_plan, feature_name, feature_unlock_days, enabled, created_at,
       updated_at)
     VALUES (@id, @projectId, @cancelReason, @offerType, @title, @description, @ctaButtonText,
       @ctaUrl, @discountPercent, @discountDurationMonths, @pauseDays, @extensionDays,
       @downgradePlan, @featureName, @featureUnlockDays, @enabled, @now, @now)`,
  );
  // Replacing keeps the id and created_at, and clears every field the new type does not use.
  const replace = db.prepare(
    `UPDATE retention_offers SET offer_type = @offerType, title = @title,
       description = @description, cta_button_text = @ctaButtonText, cta_url = @ctaUrl,
       discount_percent = @discountPercent, discount_duration_months = @discountDurationMonths,
       pause_days = @pauseDays, extension_days = @extensionDays, downgrade_plan = @downgradePlan,
       feature_name = @featureName, feature_unlock_days = @featureUnlockDays, enabled = @enabled,
       updated_at = @now
     WHERE project_id = @projectId AND cancel_reason = @cancelReason`,
  );
  const remove = db.prepare<[string, string]>(
    "DELETE FROM retention_offers WHERE project_id = ? AND cancel_reason = ?",
  );

  const upsertTx = db.transaction(
    (projectId: string, id: string, input: OfferInput, now: string) => {
      const params = { ...input, id, projectId, now, enabled: input.enabled ? 1 : 0 };
      const created = replace.run(params).changes === 0;
      if (created) insert.run(params);
      const row = byReason.get(projectId, input.cancelReason) as OfferRow;
      return { offer: toOffer(row), created };
    },
  );

  return {
    async listByProject(projectId) {
      return byProject.all(projectId).map(toOffer);
    },
    async findByReason(projectId, reason) {
      const row = byReason.get(projectId, reason);
      return row ? toOffer(row) : null;
    },
    async findEnabledByReason(projectId, reason) {
      const row = enabledByReason.get(projectId, reason);
      return row ? toOffer(row) : null;
    },
    async upsert(projectId, id, input, now) {
      return upsertTx.immediate(projectId, id, input, now);
    },
    async delete(projectId, reason) {
      return remove.run(projectId, reason).changes > 0;
    },
  };
}
