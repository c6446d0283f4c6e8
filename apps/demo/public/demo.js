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

  // Acme's server vouches for the signed-in customer with a short-lived customer token
  // (docs/design.md §11), fetched ahead of the click and again when it nears its end. Without
  // one (route missing, network error) the flow runs unverified, and a project that requires
  // verification answers 401: the widget then resolves "error" and Acme cancels as usual.
  let tokenRequest = null;
  let tokenExpiresAt = 0;
  function customerToken() {
    if (!tokenRequest || (tokenExpiresAt && tokenExpiresAt - Date.now() < 60_000)) {
      tokenExpiresAt = 0;
      const forget = () => {
        tokenRequest = null;
        return {};
      };
      tokenRequest = fetch("/customer-token", { credentials: "same-origin", cache: "no-store" })
        .then((response) => (response.ok ? response.json() : null))
        .then((body) => {
          if (!body?.token) return forget();
          tokenExpiresAt = body.expires_at;
          return { customerToken: body.token };
        })
        .catch(forget);
    }
    return tokenRequest;
  }
  customerToken();

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
    // The iframe embed, hosted by the API's frame-host.js: it creates the frame, sizes it, hears
    // only that frame, and resolves "error" when the frame does not load within 3 s.
    const backdrop = document.getElementById("frame-backdrop");
    button.addEventListener("click", (event) => {
      const frameHost = window.WindbackFrame;
      // Until frame-host.js has loaded (or when it could not), the plain link does the job.
      if (!frameHost) return;
      event.preventDefault();
      backdrop.hidden = false;
      customerToken()
        .then((verified) =>
          frameHost.mount(backdrop, {
            apiKey: script.dataset.publicKey,
            ...customer,
            ...verified,
            theme: script.dataset.theme,
            locale: script.dataset.lang,
          }),
        )
        .then((result) => {
          backdrop.hidden = true;
          show(result);
        });
    });
    return;
  }

  button.addEventListener("click", (event) => {
    const windback = window.Windback;
    // The queue stub has no version: until widget.js has loaded, the plain link does the job.
    if (!windback || typeof windback.version !== "string") return;
    event.preventDefault();
    customerToken()
      .then((verified) => windback.show({ ...customer, ...verified }))
      .then(show);
  });
})();
