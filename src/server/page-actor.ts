import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { clientIp } from "@/auth/actor";
import { sessionActor } from "@/auth/session";

/** The signed-in person for a console page; anyone else is sent to sign in. */
export async function pageActor() {
  const actor = await sessionActor(clientIp(await headers()));
  if (!actor) redirect("/signin");
  return actor;
}
