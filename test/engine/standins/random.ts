/**
 * STAND-IN for the random provider plugin, for the engine tests only (the
 * real plugin cannot be installed here). It models RandomPassword as the
 * program uses it: every input replaces the password, `result` is a fresh
 * random string of the asked length, and `bcryptHash` is a made-up value.
 * Not modelled: the character-class rules (upper, lower, numeric, special
 * minimums), keepers' other uses, import, and the other random resources.
 */
import { randomBytes } from "node:crypto";
import { main } from "@pulumi/pulumi/provider";
import { standIn } from "./standin";

const INPUTS = ["length", "special", "upper", "lower", "numeric", "number", "minUpper", "minLower", "minNumeric", "minSpecial", "overrideSpecial", "keepers"];

const provider = standIn("4.21.2", {
  "random:index/randomPassword:RandomPassword": {
    inputs: INPUTS,
    replaceOn: INPUTS,
    create: (inputs) => {
      const length = Number(inputs.length ?? 16);
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
      const bytes = randomBytes(length);
      const result = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
      return { result, bcryptHash: `$2a$10$standin${randomBytes(16).toString("hex")}`, id: "none" };
    },
    id: () => "none",
  },
});

main(provider, process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
