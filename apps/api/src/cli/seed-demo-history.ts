/**
 * Fills the demo project with four weeks of realistic cancel-flow history, so every dashboard
 * screen has something to show right after `pnpm start`. It writes through the churn-events
 * service with a clock set to each moment of the past, exactly as those requests would have, so
 * counters, rollups and domain events are what real traffic produces. Skips a project that
 * already has events.
 *
 *   node apps/api/dist/cli/seed-demo-history.js --email demo@acme.test --slug acme
 *
 * The database is `DATABASE_PATH`, as for the server (which may be running: SQLite's WAL lets
 * both write).
 */
import { parseArgs } from "node:util";
import type { CancelReason } from "@windback/protocol";
import { createClientHasher } from "../auth/client.js";
import { loadConfig } from "../config.js";
import type { Clock } from "../lib/clock.js";
import { createChurnEventsService, type FlowCaller } from "../services/churn-events.js";
import { createStorage } from "../storage/index.js";

const DAY = 24 * 60 * 60 * 1000;

/** Weighted like the reasons SaaS customers give most. */
const REASONS: [CancelReason, number][] = [
  ["too_expensive", 30],
  ["not_using_enough", 20],
  ["missing_features", 14],
  ["dont_need_anymore", 11],
  ["switching_competitor", 10],
  ["technical_issues", 8],
  ["poor_support", 4],
  ["other", 3],
];
const PLANS: [string, number][] = [
  ["Starter", 1900],
  ["Pro", 4900],
  ["Business", 14900],
];
const FIRST = [
  "ada",
  "grace",
  "alan",
  "linus",
  "margaret",
  "ken",
  "barbara",
  "dennis",
  "radia",
  "tim",
];
const LAST = [
  "lovelace",
  "hopper",
  "turing",
  "torvalds",
  "hamilton",
  "thompson",
  "liskov",
  "ritchie",
];
const TEXT: Partial<Record<CancelReason, string[]>> = {
  missing_features: ["No Salesforce sync", "Need SSO for the team", "Custom reports"],
  switching_competitor: ["Moving to Mixpanel", "Our new CTO prefers Amplitude"],
  technical_issues: ["Dashboards time out", "Exports keep failing"],
  other: ["Company is closing", "Merging with another team's account"],
};

/** A small deterministic generator (mulberry32): the same history every time. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      slug: { type: "string" },
      days: { type: "string", default: "28" },
    },
  });
  if (!values.email || !values.slug) {
    console.error("usage: seed-demo-history --email <account email> --slug <project slug>");
    process.exit(2);
  }
  const config = loadConfig();
  const storage = await createStorage(config);
  try {
    const user = await storage.repos.users.findByEmail(values.email.toLowerCase());
    const project = user ? await storage.repos.projects.findBySlug(user.id, values.slug) : null;
    if (!project) throw new Error(`No project ${values.slug} for ${values.email}`);
    const existing = await storage.repos.churnEvents.list(project.id, { limit: 1, offset: 0 });
    if (existing.total > 0) {
      console.log(`${values.slug} already has ${existing.total} churn events: nothing to seed`);
      return;
    }

    let now = Date.now();
    const clock: Clock = { now: () => now };
    const service = createChurnEventsService({
      repos: storage.repos,
      clock,
      hashClient: createClientHasher(config.jwtSecret),
    });
    const next = random(20261202);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const weighted = <T>(items: readonly [T, number][]): T => {
      let roll = next() * items.reduce((sum, [, w]) => sum + w, 0);
      for (const [item, weight] of items) {
        roll -= weight;
        if (roll <= 0) return item;
      }
      return (items[0] as [T, number])[0];
    };

    const days = Number(values.days);
    const start = Math.floor(Date.now() / DAY) * DAY - days * DAY;
    let count = 0;
    for (let day = 0; day < days; day++) {
      const weekday = new Date(start + day * DAY).getUTCDay();
      const submissions = 3 + Math.floor(next() * (weekday === 0 || weekday === 6 ? 4 : 9));
      for (let i = 0; i < submissions; i++) {
        now = start + day * DAY + Math.floor((8 + next() * 12) * 60 * 60 * 1000);
        const reason = weighted(REASONS);
        const [plan, mrr] = pick(PLANS);
        const email = `${pick(FIRST)}.${pick(LAST)}${count}@example.com`;
        // The merchant's server vouched for these customers (verified MRR).
        const caller: FlowCaller = {
          client: `customer:${email}`,
          vouch: { by: "secret_key" },
          livemode: true,
        };
        const texts = TEXT[reason];
        const { event, offer } = await service.submit(
          project.id,
          {
            customer_email: email,
            customer_name: email.split("@")[0]?.replace(/\d+$/, "").replace(".", " "),
            cancel_reason: reason,
            ...(texts && { cancel_reason_text: pick(texts) }),
            plan_name: plan,
            mrr,
            provider: "stripe",
            provider_subscription_id: `sub_demo_${count}`,
            tenure_days: 30 + Math.floor(next() * 700),
          },
          caller,
        );
        count++;
        now += 30_000 + Math.floor(next() * 90_000);
        const roll = next();
        if (offer && roll < 0.34) {
          await service.acceptOffer(
            project.id,
            {
              customer_email: email,
              cancel_reason: reason,
              offer_type: offer.offerType,
              event_id: event.id,
            },
            caller,
          );
          // Some saved customers paid their next invoice already.
          if (next() < 0.5 && now + 3 * DAY < Date.now()) {
            now += 3 * DAY;
            await service.markFinal(project.id, event.id, "recovered");
          }
        } else {
          if (offer) await service.decline(project.id, event.id, caller);
          // Most who went on to cancel are lost by now; the latest are still open.
          if (now + DAY < Date.now() && next() < 0.85) {
            now += DAY;
            await service.markFinal(project.id, event.id, "lost");
          }
        }
      }
    }
    console.log(`Seeded ${count} churn events over ${days} days in ${values.slug}`);
  } finally {
    await storage.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
