/**
 * WidgetPreviewSlot: where the Offers editor shows what a customer will see for the unsaved draft
 * (docs/design.md §8). It mounts the real widget, the API's own `/widget.js`, loaded on first use,
 * through `Windback.preview()`: the same flow UI in its shadow root, on the offer screen, whose
 * buttons walk through the steps without sending anything. Edits reach it in place through the
 * preview's `update()`. When the widget cannot be loaded the slot says so; it never draws a copy.
 */
import type { CancelReason, Outcome, PublicOffer, WidgetPreviewHandle } from "@windback/protocol";
import { useEffect, useRef, useState } from "preact/hooks";
import { useApp } from "../app-state";
import { reasonLabel } from "../lib/labels";
import type { ThemeChoice } from "../lib/theme";
import { loadPreviewWidget } from "../lib/widget-script";

export interface WidgetPreviewSlotProps {
  /** The cancel reason the customer picked. */
  reason: CancelReason;
  /** The unsaved draft as the widget would receive it (invalid type fields left out). */
  offer: PublicOffer;
  /** Whether the offer is enabled: a disabled offer is never shown to customers. */
  enabled: boolean;
}

/** The dashboard's theme, as the widget names it: "system" is the widget's `auto`. */
const widgetTheme = (theme: ThemeChoice) => (theme === "system" ? "auto" : theme);

/** What the host page would hear when the preview's flow ends (docs/widget.md, the result object). */
const OUTCOMES: Readonly<Record<Outcome, string>> = {
  saved: "The customer took the offer: your page receives outcome “saved”.",
  cancelled: "The customer confirmed: your page receives outcome “cancelled” and cancels.",
  dismissed: "The customer closed the widget: outcome “dismissed”, nothing is cancelled.",
  error: "Outcome “error”: your page goes on cancelling.",
};

type Status = "loading" | "ready" | "error";

export function WidgetPreviewSlot({ reason, offer, enabled }: WidgetPreviewSlotProps) {
  const { theme } = useApp();
  const host = useRef<HTMLDivElement>(null);
  const handle = useRef<WidgetPreviewHandle | null>(null);
  const [status, setStatus] = useState<Status>("loading");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [attempt, setAttempt] = useState(0);
  // The mount reads the newest draft, which may have changed while widget.js was loading.
  const latest = useRef({ offer, theme });
  latest.current = { offer, theme };

  // Mounted once per reason (and per retry); edits go through update() below.
  useEffect(() => {
    let gone = false;
    let mounted: WidgetPreviewHandle | null = null;
    setStatus("loading");
    loadPreviewWidget()
      .then((preview) =>
        preview({
          container: host.current as HTMLElement,
          offer: latest.current.offer,
          reason,
          locale: "en",
          theme: widgetTheme(latest.current.theme),
          onDone: (result) => setOutcome(result.outcome),
        }),
      )
      .then(
        (created) => {
          if (gone) return created.destroy();
          mounted = created;
          handle.current = created;
          created.update({
            offer: latest.current.offer,
            theme: widgetTheme(latest.current.theme),
          });
          setStatus("ready");
        },
        () => {
          if (!gone) setStatus("error");
        },
      );
    return () => {
      gone = true;
      mounted?.destroy();
      handle.current = null;
    };
  }, [reason, attempt]);

  useEffect(() => {
    handle.current?.update({ offer, theme: widgetTheme(theme) });
  }, [offer, theme]);

  const label = reasonLabel(reason);
  return (
    <figure
      class="preview"
      data-widget-preview-slot
      aria-label={`Preview of the offer for “${label}”`}
    >
      <figcaption>
        Preview for customers who pick “{label}”: the real widget, recording nothing.
        {!enabled && (
          <strong class="preview-disabled">
            {" "}
            This offer is disabled: customers who pick this reason go straight to confirming. The
            preview shows it as it will look once enabled.
          </strong>
        )}
      </figcaption>
      {status === "loading" && <p class="hint">Loading the widget…</p>}
      {status === "error" && (
        <div class="notice stack" role="alert">
          <p>
            The widget could not be loaded from this server (<code>/widget.js</code>), so there is
            no preview. Saving the offer still works.
          </p>
          <div>
            <button type="button" class="button" onClick={() => setAttempt((n) => n + 1)}>
              Try loading the preview again
            </button>
          </div>
        </div>
      )}
      <div ref={host} class="preview-widget" />
      {status === "ready" && (
        <div class="preview-after">
          <p class="hint" aria-live="polite">
            {outcome ? OUTCOMES[outcome] : ""}
          </p>
          <button
            type="button"
            class="button"
            onClick={() => {
              setOutcome(null);
              handle.current?.restart();
            }}
          >
            Start the preview over<span class="sr-only"> for “{label}”</span>
          </button>
        </div>
      )}
    </figure>
  );
}
