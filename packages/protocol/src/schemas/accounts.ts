import { type Static, Type } from "@sinclair/typebox";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../limits.js";
import { dataOf, refTo, Timestamp } from "./common.js";

const Password = Type.String({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH });

export const User = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    email: Type.String(),
    created_at: Timestamp,
  },
  { $id: "User" },
);
export type User = Static<typeof User>;

export const RegisterBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    email: Type.String({ minLength: 3, maxLength: 254 }),
    password: Password,
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object(
  {
    email: Type.String({ minLength: 1, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const ChangePasswordBody = Type.Object(
  {
    current_password: Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }),
    new_password: Password,
  },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

/** Register, login and change-password answer with the account and a fresh 7-day JWT. */
export const SessionResponse = dataOf(Type.Object({ user: refTo(User), token: Type.String() }));
export type SessionResponse = Static<typeof SessionResponse>;

export const UserResponse = dataOf(refTo(User));

/** `POST /auth/session`: like login, but the session is an HttpOnly cookie the page never sees. */
export const CookieSessionResponse = dataOf(Type.Object({ user: refTo(User) }));
export type CookieSessionResponse = Static<typeof CookieSessionResponse>;

/** Whether this server takes new accounts (the dashboard hides sign-up when it does not). */
export const RegistrationStatus = dataOf(Type.Object({ open: Type.Boolean() }));
export type RegistrationStatus = Static<typeof RegistrationStatus>;
