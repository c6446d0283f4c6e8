/** The script-tag embed on the clean demo page: every way out of the flow, and what is stored. */
import {
  churnEventsFor,
  expect,
  flowResult,
  loadDemo,
  openWidget,
  test,
  watchCancelFlowRequests,
} from "../support/fixtures";

const customerUrl = (demoUrl: string, email: string) =>
  `${demoUrl}/?email=${encodeURIComponent(email)}`;

test("declining the offer cancels, and the event records the decline", async ({
  page,
  stack,
  email,
}) => {
  await loadDemo(page, customerUrl(stack.demoUrl, email));
  await openWidget(page);
  await page.getByRole("radio", { name: "It's too expensive" }).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Stay for 30% less" })).toBeVisible();
  await expect(page.getByText("30% off for 3 months")).toBeVisible();
  await page.getByRole("button", { name: "No thanks, cancel" }).click();
  await expect(page.getByRole("heading", { name: "Confirm cancellation" })).toBeVisible();
  await page.getByRole("button", { name: "Cancel subscription" }).click();

  const result = await flowResult(page);
  expect(result.outcome).toBe("cancelled");
  expect(result.reason).toBe("too_expensive");
  expect(result.selectedOffer).toBeNull();
  await expect(page.locator("#status")).toHaveText("Your subscription is cancelled");
  await expect(page.getByRole("dialog")).toHaveCount(0);

  const events = await churnEventsFor(email);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    id: result.eventId,
    cancel_reason: "too_expensive",
    source: "cancel_flow",
    status: "new",
    offer_shown: true,
    offer_declined: true,
    offer_accepted_at: null,
    customer_name: "Ada Lovelace",
    plan_name: "Pro",
    mrr: 4900,
  });
});

test("accepting the offer saves the customer and the event is offer_accepted", async ({
  page,
  stack,
  email,
}) => {
  await loadDemo(page, customerUrl(stack.demoUrl, email));
  await openWidget(page);
  await page.getByRole("radio", { name: "It's too expensive" }).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Claim 30% off" }).click();

  const result = await flowResult(page);
  expect(result.outcome).toBe("saved");
  expect(result.selectedOffer).toMatchObject({ offer_type: "discount", discount_percent: 30 });
  await expect(page.locator("#status")).toHaveText("You're staying with 30% off for 3 months");

  const events = await churnEventsFor(email);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    id: result.eventId,
    status: "offer_accepted",
    offer_type: "discount",
    offer_shown: true,
    offer_declined: false,
  });
  expect(events[0]?.offer_accepted_at).not.toBeNull();
});

test("Escape dismisses the dialog and stores nothing", async ({ page, stack, email }) => {
  const requests = watchCancelFlowRequests(page);
  await loadDemo(page, customerUrl(stack.demoUrl, email));
  await openWidget(page);
  await page.getByRole("radio", { name: "I don't use it enough" }).check();
  await page.keyboard.press("Escape");

  const result = await flowResult(page);
  expect(result.outcome).toBe("dismissed");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.locator("#status")).toHaveText("Your subscription is still active");
  await expect(page.getByRole("link", { name: "Cancel subscription" })).toBeFocused();
  expect(requests.map((r) => r.url())).toEqual([]);
  expect(await churnEventsFor(email)).toEqual([]);
});

test("'Something else' asks for words and stores them as cancel_reason_text", async ({
  page,
  stack,
  email,
}) => {
  const words = "We moved our reporting in-house after the reorg.";
  await loadDemo(page, customerUrl(stack.demoUrl, email));
  await openWidget(page);
  await page.getByRole("radio", { name: "Something else" }).check();
  await page.getByRole("button", { name: "Continue" }).click();
  const text = page.getByRole("textbox", { name: /main reason you're leaving/ });
  await expect(text).toBeVisible();
  // Empty text is refused on the page, before anything is sent.
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("alert")).toHaveText("Please tell us a little more.");
  await text.fill(words);
  await page.getByRole("button", { name: "Continue" }).click();
  // No offer is configured for "other": straight to the confirmation.
  await expect(page.getByRole("heading", { name: "Confirm cancellation" })).toBeVisible();
  await page.getByRole("button", { name: "Cancel subscription" }).click();

  const result = await flowResult(page);
  expect(result).toMatchObject({ outcome: "cancelled", reason: "other", feedbackText: words });
  const events = await churnEventsFor(email);
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    cancel_reason: "other",
    cancel_reason_text: words,
    offer_shown: false,
    status: "new",
  });
});

test("'Skip and cancel' on the first step cancels at once without recording", async ({
  page,
  stack,
  email,
}) => {
  const requests = watchCancelFlowRequests(page);
  await loadDemo(page, customerUrl(stack.demoUrl, email));
  await openWidget(page);
  await page.getByRole("button", { name: "Skip and cancel" }).click();

  const result = await flowResult(page);
  expect(result).toMatchObject({ outcome: "cancelled", reason: null, eventId: null });
  await expect(page.locator("#status")).toHaveText("Your subscription is cancelled");
  // No reason was given, so there is nothing to record.
  expect(requests).toEqual([]);
  expect(await churnEventsFor(email)).toEqual([]);
});
