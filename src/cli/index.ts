import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createApiKey } from "@/api-keys/api-keys";
import { SYSTEM } from "@/auth/actor";
import { roleSchema } from "@/auth/roles";
import { applyDataset } from "@/datasets/registry";
import { AppError } from "@/server/errors";
import { createUser } from "@/users/users";
import { withDatabase } from "./database";

/**
 * `npm run cli -- <command>`: administration from a shell, with the same validation and audit
 * trail as the console (actions are attributed to `system`).
 */
const USAGE = `Usage: npm run cli -- <command>

  user create --email E --role analyst|operator|admin [--name N] [--password P]
      Creates a user. Without --password a strong one is generated and printed once.
  api-key create --name N --role analyst|operator|admin
      Creates an API key and prints it once, alone on the last line.
  dataset apply FILE.json [--force]
      Creates or updates a dataset from its JSON definition. A change that drops or retypes
      columns is refused unless --force.
  migrate
      Applies pending database migrations.
`;

type Command = (args: string[]) => Promise<void>;

const commands: Record<string, Command> = {
  "user create": async (args) => {
    const { values } = parseArgs({
      args,
      options: {
        email: { type: "string" },
        role: { type: "string" },
        name: { type: "string" },
        password: { type: "string" },
      },
    });
    const password = values.password ?? randomBytes(15).toString("base64url");
    const user = await withDatabase(() =>
      createUser(
        { email: values.email ?? "", role: roleSchema.parse(values.role), name: values.name, password },
        SYSTEM,
      ),
    );
    console.log(`Created ${user.role} ${user.email} (${user.id}).`);
    if (!values.password) console.log(`Generated password, shown only now:\n${password}`);
  },

  "api-key create": async (args) => {
    const { values } = parseArgs({ args, options: { name: { type: "string" }, role: { type: "string" } } });
    const key = await withDatabase(() =>
      createApiKey({ name: values.name ?? "", role: roleSchema.parse(values.role) }, SYSTEM),
    );
    console.log(`Created ${key.role} API key "${key.name}" (${key.prefix}). It is shown only now:`);
    console.log(key.key);
  },

  "dataset apply": async (args) => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { force: { type: "boolean" } },
    });
    const file = positionals[0];
    if (!file) throw new Error("Name the definition file: npm run cli -- dataset apply FILE.json");
    let definition: unknown;
    try {
      definition = JSON.parse(await readFile(file, "utf8"));
    } catch (err) {
      throw new Error(`Cannot read ${file} as JSON: ${(err as Error).message}`);
    }
    const result = await withDatabase(() => applyDataset(definition, SYSTEM, { force: values.force }));
    if (!result.changed)
      console.log(`Dataset ${result.name} is already up to date (version ${result.version}).`);
    else
      console.log(
        `Dataset ${result.name} ${result.created ? "created" : "updated"} (version ${result.version}): ${result.changes.join("; ")}`,
      );
  },

  migrate: async () => {
    await withDatabase(async () => undefined);
    console.log("Database is up to date.");
  },
};

async function main(argv: string[]) {
  const two = argv.slice(0, 2).join(" ");
  const [name, rest] = commands[two] ? [two, argv.slice(2)] : [argv[0] ?? "", argv.slice(1)];
  const command = commands[name];
  if (!command || argv.includes("--help")) {
    console.log(USAGE);
    process.exit(command || argv.includes("--help") ? 0 : 2);
  }
  await command(rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof AppError) console.error(`Error: ${err.message}`);
  else if (err && typeof err === "object" && "issues" in err) {
    const issues = (err as { issues: { path: PropertyKey[]; message: string }[] }).issues;
    console.error(
      `Error: ${issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ")}`,
    );
  } else console.error(`Error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
