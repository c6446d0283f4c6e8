// Acme's own page script: opens Windback on "Cancel subscription" and acts on the result.
// Without the widget (script blocked, API down) the link keeps its href and Acme's own
// cancellation page takes over: Windback never stands between a customer and cancelling.
(() => {
  const script = document.currentScript;
  const params = new URLSearchParams(location.search);
  const customer = {
    customerEmail: params.get("email") || "ada@example.com",
    customerName: "Ada Lovelace",
    planName: "Pro",
    subscriptionId: "sub_demo_4242",
    mrr: 4900,
    currency: "usd",
    provider: "stripe",
  };
  const button = document.getElementById("cancel-button");
  const status = document.getElementById("status");
  const badge = document.getElementById("plan-badge");
  const price = document.getElementById("plan-price");
  document.getElementById("account-email").textContent = customer.customerEmail;

  /** What the customer reads after the flow, from the result object alone. */
  function describe(result) {
    const offer = result.selectedOffer;
    if (result.outcome === "saved" && offer) {
      switch (offer.offer_type) {
        case "discount":
          return `You're staying with ${offer.discount_percent}% off for ${offer.discount_duration_months} months`;
        case "pause":
          return `Your subscription is paused for ${offer.pause_days} days`;
        case "extension":
          return `You're staying, with ${offer.extension_days} extra days on us`;
        case "downgrade":
          return `You're staying on the ${offer.downgrade_plan} plan`;
        default:
          return `You're staying: ${offer.title}`;
      }
    }
    if (result.outcome === "cancelled") return "Your subscription is cancelled";
    if (result.outcome === "dismissed") return "Your subscription is still active";
    return "Continuing to cancellation…";
  }

  function show(result) {
    window.acmeLastResult = result;
    document.body.dataset.windbackOutcome = result.outcome;
    status.textContent = describe(result);
    status.className = `status ${result.outcome === "saved" ? "saved" : result.outcome === "cancelled" ? "cancelled" : "neutral"}`;
    if (result.outcome === "cancelled") {
      badge.textContent = "Cancelled";
      badge.className = "badge cancelled";
      price.textContent = "Access until the end of the billing period";
    } else if (result.outcome === "saved") {
      badge.textContent = "Retained";
      badge.className = "badge discount";
    } else if (result.outcome === "error") {
      // Windback could not help: go on with Acme's normal cancellation.
      sessionStorage.setItem("windback:lastOutcome", "error");
      location.assign(button.getAttribute("href"));
    }
  }

  if (script.dataset.mode === "iframe") {
    const apiUrl = script.dataset.apiUrl;
    const apiOrigin = new URL(apiUrl).origin;
    const backdrop = document.getElementById("frame-backdrop");
    let frame = null;
    let readyTimer = 0;
    const close = () => {
      backdrop.hidden = true;
      backdrop.replaceChildren();
      frame = null;
      button.focus();
    };
    window.addEventListener("message", (event) => {
      // Only the Windback frame we opened may talk to this page.
      if (!frame || event.origin !== apiOrigin || event.source !== frame.contentWindow) return;
      const message = event.data?.windback;
      if (!message || typeof message.type !== "string") return;
      window.acmeFrameMessages = (window.acmeFrameMessages || []).concat([message.type]);
      if (message.type === "ready") {
        clearTimeout(readyTimer);
        frame.focus();
      } else if (message.type === "resize" && typeof message.height === "number") {
        frame.style.height = `${Math.min(Math.max(message.height, 120), innerHeight - 32)}px`;
      } else if (message.result) {
        close();
        show(message.result);
      }
    });
    button.addEventListener("click", (event) => {
      event.preventDefault();
      const src = new URL("/embed", apiUrl);
      src.search = new URLSearchParams({
        key: script.dataset.publicKey,
        email: customer.customerEmail,
        name: customer.customerName,
        plan: customer.planName,
        mrr: String(customer.mrr),
        subscription_id: customer.subscriptionId,
        theme: script.dataset.theme,
        locale: script.dataset.lang,
      }).toString();
      frame = document.createElement("iframe");
      frame.title = "Cancel subscription";
      frame.src = src.href;
      backdrop.replaceChildren(frame);
      backdrop.hidden = false;
      // A frame that never says "ready" (blocked, API down) must not trap the customer.
      readyTimer = setTimeout(() => {
        close();
        show({ outcome: "error", error: "The cancellation assistant did not load" });
      }, 5000);
    });
    backdrop.addEventListener("click", (event) => {
      if (event.target === backdrop) close();
    });
    return;
  }

  button.addEventListener("click", (event) => {
    const windback = window.Windback;
    // The queue stub has no version: until widget.js has loaded, the plain link does the job.
    if (!windback || typeof windback.version !== "string") return;
    event.preventDefault();
    windback.show(customer).then(show);
  });
})();
