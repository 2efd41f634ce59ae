// Drives a Portico OData service with @odata/client, an OData client
// library nobody here wrote: queries with $filter/$select/$orderby/$top/
// $skip/$count/$expand, reads by single and composite key, and a create →
// update → delete round trip. Usage: node run.js SERVICE_ROOT (ending in
// "/"). Prints one line per check and exits 1 on the first failure.
"use strict";

const { OData } = require("@odata/client");

const root = process.argv[2];
if (!root) {
  console.error("usage: node run.js http://host/ws/odata/erp/v1/");
  process.exit(2);
}

function check(name, ok, detail) {
  if (!ok) {
    console.log(`FAIL ${name}: ${JSON.stringify(detail)}`);
    process.exit(1);
  }
  console.log(`ok   ${name}`);
}

async function main() {
  const client = OData.New4({ serviceEndpoint: root });
  const customers = client.getEntitySet("Customers");

  const total = await customers.count();
  check("count all customers", total === 150, total);

  const filter = client.newFilter().property("country").eqString("DE");
  const de = await customers.query(
    client.newOptions().filter(filter).select(["id", "name", "country"]).orderby("name", "desc").top(5).skip(1)
  );
  check("filter, select, orderby, top, skip", de.length === 5 && de.every((c) => c.country === "DE" && c.email === undefined), de);
  const names = de.map((c) => c.name);
  check("orderby desc sorts", names.join("|") === [...names].sort().reverse().join("|"), names);

  const deCount = await customers.count(client.newFilter().property("country").eqString("DE"));
  check("count with filter", deCount > 5, deCount);

  const one = await customers.retrieve(1);
  check("retrieve by key", one.id === 1 && typeof one.name === "string", one);

  const withOrders = await customers.query(client.newOptions().filter("id eq 1").expand("Orders"));
  check("expand to-many", withOrders.length === 1 && Array.isArray(withOrders[0].Orders) && withOrders[0].Orders.every((o) => o.customerId === 1), withOrders);

  const lines = client.getEntitySet("OrderLines");
  const line = await lines.retrieve({ orderId: 1, lineNo: 1 });
  check("retrieve by composite key", line.orderId === 1 && line.lineNo === 1, line);

  // The library does not double quotes inside eqString, so the filter is
  // written escaped as OData wants it.
  const quoted = await customers.query(client.newOptions().filter("name eq 'x'' or 1 eq 1 or name eq ''y'"));
  check("a quote in a literal stays a literal", quoted.length === 0, quoted.length);

  const created = await customers.create({
    name: "Grace Hopper", company: "Navy", email: "grace.hopper@example.com", city: "Arlington", country: "US",
  });
  check("create", typeof created.id === "number" && created.name === "Grace Hopper", created);

  await customers.update(created.id, { city: "New York" });
  const updated = await customers.retrieve(created.id);
  check("update", updated.city === "New York" && updated.name === "Grace Hopper", updated);

  await customers.delete(created.id);
  let gone = false;
  try {
    await customers.retrieve(created.id);
  } catch (e) {
    gone = true;
  }
  check("delete", gone, created.id);

  const after = await customers.count();
  check("count after the round trip", after === 150, after);
}

main().catch((e) => {
  console.log(`FAIL ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
