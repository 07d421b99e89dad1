import express, { type Router } from "express";
import { ErrorCode, GuestAuthRequest, type GuestAuthResponse } from "@arena/shared";
import { TokenError, bearerToken, type TokenService } from "../auth/tokens.js";
import { HttpError, handle, parseInput } from "./errors.js";

/**
 * `POST /auth/guest {name}` → a signed token for a new guest. With `Authorization: Bearer <token>`
 * of an earlier guest, the same player id comes back (a returning guest), with the new name.
 */
export function mountAuthRoutes(router: Router, tokens: TokenService): void {
  router.post(
    "/auth/guest",
    express.json({ limit: "2kb" }),
    handle(async (req, res) => {
      const body = parseInput(GuestAuthRequest, req.body ?? {}, "body");
      let playerId: string | undefined;
      const header = req.headers.authorization;
      if (header) {
        const token = bearerToken(header);
        if (token === undefined) throw new HttpError(401, ErrorCode.Unauthorized, "use Authorization: Bearer <token>");
        try {
          playerId = (await tokens.verify(token)).playerId;
        } catch (error) {
          const reason = error instanceof TokenError ? error.message : "invalid token";
          throw new HttpError(401, ErrorCode.Unauthorized, reason);
        }
      }
      const issued = await tokens.issue(body.name, playerId);
      const response: GuestAuthResponse = { ...issued, name: body.name };
      res.json(response);
    }),
  );
}
