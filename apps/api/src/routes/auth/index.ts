import { randomUUID } from "node:crypto";
import { normalizeIP } from "@fastify/rate-limit";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "@sinclair/typebox";
import { ERROR_CODES } from "@windback/protocol";
import {
  ChangePasswordBody,
  CookieSessionResponse,
  ErrorResponse,
  LoginBody,
  RegisterBody,
  RegistrationStatus,
  refTo,
  SessionResponse,
  UserResponse,
} from "@windback/protocol/schemas";
import { requireAcceptablePassword } from "../../auth/passwords.js";
import { principalOf } from "../../auth/principal.js";
import {
  hashSessionToken,
  newSessionToken,
  SESSION_COOKIE,
  SESSION_LIFETIME_MS,
  sessionCookieOptions,
} from "../../auth/sessions.js";
import { toIso } from "../../lib/clock.js";
import { normalizeEmail, requireEmail } from "../../lib/email.js";
import { AppError, badRequest, conflict, forbidden, unauthenticated } from "../../lib/errors.js";
import { serializeUser } from "../../lib/serializers.js";
import { createKeyedLimiter } from "../../plugins/rate-limits.js";
import { UniqueViolationError } from "../../storage/errors.js";
import { allowedOriginsRoutes } from "../projects/allowed-origins.js";
import { authErrors } from "../schemas.js";

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** Same work, status and message whether the email is unknown or the password wrong. */
  async function checkCredentials(body: { email: string; password: string }) {
    const user = await app.repos.users.findByEmail(normalizeEmail(body.email));
    let valid = false;
    if (user) valid = await app.passwords.verify(user.passwordHash, body.password);
    else await app.passwords.verifyDummy(body.password);
    if (!user || !valid) {
      throw unauthenticated("Invalid email or password", ERROR_CODES.INVALID_CREDENTIALS);
    }
    return user;
  }

  // One budget for register and login together, on top of the general per-IP limit.
  const authLimit = createKeyedLimiter(
    app,
    "auth",
    app.config.rateLimits.auth,
    // IPv6 clients are keyed by their /64, like the general limiter: one host has many addresses.
    (request) => normalizeIP(request.ip, 64),
    // Password guessing must never go unlimited: while Redis is down, refuse (503).
    { whenStoreDown: "closed" },
  );

  app.post(
    "/auth/register",
    {
      onRequest: authLimit,
      config: { auth: "none" },
      schema: {
        tags: ["auth"],
        operationId: "register",
        summary: "Create an account and its Default project",
        body: RegisterBody,
        response: {
          201: SessionResponse,
          400: refTo(ErrorResponse),
          403: refTo(ErrorResponse),
          409: refTo(ErrorResponse),
          429: refTo(ErrorResponse),
          503: refTo(ErrorResponse),
        },
      },
    },
    async (request, reply) => {
      if (app.config.registration === "closed") {
        throw forbidden(
          "This server does not take new accounts (REGISTRATION=closed)",
          ERROR_CODES.REGISTRATION_CLOSED,
        );
      }
      const name = request.body.name.trim();
      if (name === "") throw badRequest("body/name must not be blank");
      const email = requireEmail(request.body.email, "body/email");
      requireAcceptablePassword(request.body.password, "body/password");
      const passwordHash = await app.passwords.hash(request.body.password);
      const now = toIso(app.clock.now());
      const userId = randomUUID();
      let user: Awaited<ReturnType<typeof app.repos.users.createWithProject>>["user"];
      try {
        ({ user } = await app.repos.users.createWithProject(
          { id: userId, name, email, passwordHash },
          { id: randomUUID(), userId, name: "Default", slug: "default", supportEmail: null },
          now,
        ));
      } catch (error) {
        if (error instanceof UniqueViolationError) {
          throw conflict("An account with this email already exists", ERROR_CODES.EMAIL_TAKEN);
        }
        throw error;
      }
      const token = await app.jwt.sign({ userId: user.id, tokenVersion: user.tokenVersion });
      return reply.status(201).send({ data: { user: serializeUser(user), token } });
    },
  );

  app.post(
    "/auth/login",
    {
      onRequest: authLimit,
      config: { auth: "none" },
      schema: {
        tags: ["auth"],
        operationId: "login",
        summary: "Exchange email and password for a 7-day session token",
        body: LoginBody,
        response: {
          200: SessionResponse,
          400: refTo(ErrorResponse),
          401: refTo(ErrorResponse),
          429: refTo(ErrorResponse),
          503: refTo(ErrorResponse),
        },
      },
    },
    async (request) => {
      const user = await checkCredentials(request.body);
      const token = await app.jwt.sign({ userId: user.id, tokenVersion: user.tokenVersion });
      return { data: { user: serializeUser(user), token } };
    },
  );

  app.post(
    "/auth/session",
    {
      onRequest: authLimit,
      config: { auth: "none" },
      schema: {
        tags: ["auth"],
        operationId: "createSession",
        summary: "Sign in to the dashboard: sets an HttpOnly session cookie (7 days, sliding)",
        description:
          "Answers like login for bad credentials and shares its budget. The cookie is opaque (only its hash is stored), SameSite=Lax, Secure when PUBLIC_URL is https. A change made with it must come from the dashboard's origin with a JSON body, else 403 CSRF_REJECTED.",
        body: LoginBody,
        response: {
          200: CookieSessionResponse,
          400: refTo(ErrorResponse),
          401: refTo(ErrorResponse),
          429: refTo(ErrorResponse),
          503: refTo(ErrorResponse),
        },
      },
    },
    async (request, reply) => {
      const user = await checkCredentials(request.body);
      const token = newSessionToken();
      const now = app.clock.now();
      await app.repos.sessions.create(
        hashSessionToken(token),
        user.id,
        toIso(now),
        toIso(now + SESSION_LIFETIME_MS),
      );
      reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(app.config.publicUrl));
      return { data: { user: serializeUser(user) } };
    },
  );

  app.delete(
    "/auth/session",
    {
      config: { auth: ["account"] },
      schema: {
        tags: ["auth"],
        operationId: "deleteSession",
        summary: "Sign out of the dashboard: the session ends and its cookie is cleared",
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind === "user" && principal.sessionHash) {
        await app.repos.sessions.delete(principal.sessionHash);
      }
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/auth/registration",
    {
      config: { auth: "none" },
      schema: {
        tags: ["auth"],
        operationId: "getRegistrationStatus",
        summary: "Whether this server takes new accounts (REGISTRATION)",
        response: { 200: RegistrationStatus, 429: refTo(ErrorResponse) },
      },
    },
    async () => ({ data: { open: app.config.registration === "open" } }),
  );

  app.get(
    "/auth/me",
    {
      config: { auth: ["account", "secret"] },
      schema: {
        tags: ["auth"],
        operationId: "getMe",
        summary: "The account behind the token or secret key",
        response: { 200: UserResponse, ...authErrors },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const user =
        principal.kind === "user"
          ? principal.user
          : await app.repos.users.findById(principal.userId);
      if (!user) throw unauthenticated("The account no longer exists");
      return { data: serializeUser(user) };
    },
  );

  app.post(
    "/auth/change-password",
    {
      config: { auth: ["account"] },
      schema: {
        tags: ["auth"],
        operationId: "changePassword",
        summary: "Change the password; every earlier session token stops working",
        body: ChangePasswordBody,
        response: { 200: SessionResponse, ...authErrors },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== "user")
        throw new AppError(403, ERROR_CODES.FORBIDDEN, "Sessions only");
      const { current_password, new_password } = request.body;
      requireAcceptablePassword(new_password, "body/new_password");
      if (!(await app.passwords.verify(principal.user.passwordHash, current_password))) {
        throw badRequest("current_password is not correct", ERROR_CODES.INVALID_CREDENTIALS);
      }
      const user = await app.repos.users.changePassword(
        principal.userId,
        await app.passwords.hash(new_password),
        toIso(app.clock.now()),
      );
      // Every session has ended, the caller's too: a fresh token for an API client, and a
      // cleared cookie for the dashboard, which signs in again.
      if (principal.via === "cookie") reply.clearCookie(SESSION_COOKIE, { path: "/" });
      const token = await app.jwt.sign({ userId: user.id, tokenVersion: user.tokenVersion });
      return { data: { user: serializeUser(user), token } };
    },
  );

  await app.register(allowedOriginsRoutes, { path: "/auth/allowed-origins", scoped: false });
};
