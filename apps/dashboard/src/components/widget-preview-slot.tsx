/**
 * WidgetPreviewSlot: where the Offers editor shows what a customer will see for the unsaved draft.
 *
 * The live preview of docs/design.md §8 renders the real `widget.js` in preview mode (records
 * nothing, sends no write request); it mounts here, receiving exactly these props. Until then
 * this slot shows the draft as a plain card with the same fields the widget renders: title,
 * terms, description and button.
 */
import type { CancelReason, PublicOffer } from "@windback/protocol";
import { reasonLabel } from "../lib/labels";
import { offerTerms } from "../lib/offer-draft";

export interface WidgetPreviewSlotProps {
  /** The cancel reason the customer picked. */
  reason: CancelReason;
  /** The unsaved draft as the widget would receive it (invalid type fields left out). */
  offer: PublicOffer;
  /** Whether the offer is enabled: a disabled offer is never shown to customers. */
  enabled: boolean;
}

export function WidgetPreviewSlot({ reason, offer, enabled }: WidgetPreviewSlotProps) {
  return (
    <figure
      class="preview"
      data-widget-preview-slot
      aria-label={`Preview of the offer for “${reasonLabel(reason)}”`}
    >
      <figcaption>
        Preview for customers who pick “{reasonLabel(reason)}”
        {!enabled && " (disabled: customers go straight to confirming)"}
      </figcaption>
      <div class="preview-card" aria-hidden={enabled ? undefined : "true"}>
        <p class="preview-title">{offer.title || "Untitled offer"}</p>
        {offer.offer_type !== "custom" && <p class="preview-terms">{offerTerms(offer)}</p>}
        {offer.description && <p class="preview-description">{offer.description}</p>}
        <span class="preview-button">{offer.cta_button_text || "Button text"}</span>
        {offer.cta_url && <p class="preview-link">Opens {offer.cta_url}</p>}
      </div>
    </figure>
  );
}
