// Stand-ins for your own application's code, so the examples type-check: who is signed in, and
// what your billing system knows about them.
export interface SignedInCustomer {
  id: string;
  email: string;
  name: string;
  subscriptionId: string;
  plan: string;
  /** Monthly recurring revenue in integer cents. */
  mrrCents: number;
}

export declare function signedInCustomer(request: unknown): Promise<SignedInCustomer | null>;

/** What you do when Windback tells you a customer was saved or lost. */
export declare function handleWindbackEvent(type: string, customerEmail: string): Promise<void>;

/** A required environment variable. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
