import { beforeAll, describe, expect, it } from "vitest";
import * as datasetRoute from "../../app/api/v1/datasets/[name]/route";
import { makeApiKey, setUpTestDatabase } from "../../test/database";
import listingsJson from "./samples/listings.json";

setUpTestDatabase();

let adminKey: string;
let analystKey: string;
beforeAll(async () => {
  adminKey = (await makeApiKey("admin")).key;
  analystKey = (await makeApiKey("analyst")).key;
});

function put(name: string, body: unknown, key: string, query = ""): Promise<Response> {
  return datasetRoute.PUT(
    new Request(`http://localhost:3000/api/v1/datasets/${name}${query}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    { params: Promise.resolve({ name }) },
  );
}

function get(name: string, key: string): Promise<Response> {
  return datasetRoute.GET(
    new Request(`http://localhost:3000/api/v1/datasets/${name}`, {
      headers: { authorization: `Bearer ${key}` },
    }),
    { params: Promise.resolve({ name }) },
  );
}

async function error(res: Response) {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe("PUT /api/v1/datasets/{name}", () => {
  it("creates a dataset with 201, then answers 200 for the same definition", async () => {
    const created = await put("listings", listingsJson, adminKey);
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({
      name: "listings",
      version: 1,
      created: true,
      changed: true,
      changes: ["create"],
    });

    const again = await put("listings", listingsJson, adminKey);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ created: false, changed: false, version: 1 });
  });

  it("updates a dataset with 200 and the changes made", async () => {
    const def = { ...listingsJson, columns: [...listingsJson.columns, { name: "phone", type: "text" }] };
    const res = await put("listings", def, adminKey);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      changed: true,
      version: 2,
      changes: ["add column phone (text)"],
    });
  });

  it("answers 400 naming every invalid field", async () => {
    const res = await put(
      "broken",
      {
        name: "broken",
        title: "Broken",
        key: ["nope"],
        columns: [
          { name: "id", type: "integer" },
          { name: "kind", type: "enum" },
        ],
      },
      adminKey,
    );
    expect(res.status).toBe(400);
    const { code, message } = await error(res);
    expect(code).toBe("BAD_REQUEST");
    expect(message).toMatch(/key\[0\]: "nope" is not one of the columns/);
    expect(message).toMatch(/columns\[1\]\.values: an enum column needs `values`/);
  });

  it("answers 400 when the body is not JSON", async () => {
    const res = await put("listings", "{not json", adminKey);
    expect(res.status).toBe(400);
    expect((await error(res)).message).toMatch(/definition as JSON/);
  });

  it("answers 400 when the URL names another dataset than the definition", async () => {
    const res = await put("other", listingsJson, adminKey);
    expect(res.status).toBe(400);
    expect((await error(res)).message).toBe('The URL names dataset "other" but the definition is "listings"');
  });

  it("answers 409 for a destructive change, and applies it with ?force=true", async () => {
    const withoutPhone = listingsJson;
    const refused = await put("listings", withoutPhone, adminKey);
    expect(refused.status).toBe(409);
    expect((await error(refused)).message).toMatch(/column phone is removed/);

    const forced = await put("listings", withoutPhone, adminKey, "?force=true");
    expect(forced.status).toBe(200);
    expect(await forced.json()).toMatchObject({ changes: ["drop column phone"] });
  });

  it("answers 403 to an analyst's key and changes nothing", async () => {
    const res = await put("listings", { ...listingsJson, title: "Renamed" }, analystKey);
    expect(res.status).toBe(403);
    expect(await error(res)).toEqual({
      code: "FORBIDDEN",
      message: "This needs the admin role; the key has analyst",
    });

    const shown = await get("listings", analystKey);
    expect(shown.status).toBe(200);
    expect(await shown.json()).toMatchObject({ name: "listings", title: "Business listings", version: 3 });
  });

  it("answers 404 for a dataset that does not exist", async () => {
    const res = await get("nothing_here", analystKey);
    expect(res.status).toBe(404);
    expect((await error(res)).message).toBe('No dataset named "nothing_here"');
  });
});
