import { randomUUID } from "node:crypto";
import { normalizeIP } from "@fastify/rate-limit";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { ERROR_CODES } from "@windback/protocol";
import {
  ChangePasswordBody,
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
import { toIso } from "../../lib/clock.js";
import { normalizeEmail, requireEmail } from "../../lib/email.js";
import { AppError, badRequest, conflict, forbidden, unauthenticated } from "../../lib/errors.js";
import { serializeUser } from "../../lib/serializers.js";
import { createKeyedLimiter } from "../../plugins/rate-limits.js";
import { UniqueViolationError } from "../../storage/errors.js";
import { allowedOriginsRoutes } from "../projects/allowed-origins.js";
import { authErrors } from "../schemas.js";

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // One budget for register and login together, on top of the general per-IP limit.
  const authLimit = createKeyedLimiter(
    app,
    app.config.rateLimits.auth,
    // IPv6 clients are keyed by their /64, like the general limiter: one host has many addresses.
    (request) => `auth:${normalizeIP(request.ip, 64)}`,
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
      const user = await app.repos.users.findByEmail(normalizeEmail(request.body.email));
      // Same work, status and message whether the email is unknown or the password wrong.
      let valid = false;
      if (user) valid = await app.passwords.verify(user.passwordHash, request.body.password);
      else await app.passwords.verifyDummy(request.body.password);
      if (!user || !valid) {
        throw unauthenticated("Invalid email or password", ERROR_CODES.INVALID_CREDENTIALS);
      }
      const token = await app.jwt.sign({ userId: user.id, tokenVersion: user.tokenVersion });
      return { data: { user: serializeUser(user), token } };
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
    async (request) => {
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
      // A fresh token for the caller, since the one they used has just been invalidated.
      const token = await app.jwt.sign({ userId: user.id, tokenVersion: user.tokenVersion });
      return { data: { user: serializeUser(user), token } };
    },
  );

  await app.register(allowedOriginsRoutes, { path: "/auth/allowed-origins", scoped: false });
};
