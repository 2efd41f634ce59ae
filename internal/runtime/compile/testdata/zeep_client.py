"""Calls every SOAP operation of the ERP sample API with zeep, a SOAP client
nobody here wrote, over both SOAP versions.

Usage: zeep_client.py BASE_URL OUT_DIR
Writes the Body element of every answer to OUT_DIR/NNN-op.xml for schema
validation, and prints one line per call; exits non-zero on the first
behaviour that is not what the WSDL promises.
"""
import datetime
import decimal
import os
import sys

from lxml import etree
from zeep import Client
from zeep.exceptions import Fault
from zeep.plugins import HistoryPlugin

base, out = sys.argv[1], sys.argv[2]
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
FAULT_NS = "https://portico.dev/soap/fault"
count = 0


def check(cond, msg):
    if not cond:
        print("FAIL: " + msg)
        sys.exit(1)


def save(history, op):
    """Keeps the Body's child of the last answer for xmllint."""
    global count
    env = history.last_received["envelope"]
    body = env.find("{%s}Body" % SOAP11)
    if body is None:
        body = env.find("{%s}Body" % SOAP12)
    check(body is not None and len(body) == 1, op + ": the answer has no Body child")
    count += 1
    with open(os.path.join(out, "%03d-%s.xml" % (count, op)), "wb") as f:
        f.write(etree.tostring(body[0]))


def expect_fault(call, op, code_part):
    try:
        call()
    except Fault as f:
        check(code_part in (f.code or ""), "%s: fault code %r, want %s" % (op, f.code, code_part))
        ids = f.detail.findall(".//{%s}executionId" % FAULT_NS) if f.detail is not None else []
        check(len(ids) == 1 and len(ids[0].text) == 36, op + ": the fault names no execution id")
        print("%s: fault %s (%s), execution %s" % (op, f.code, f.message, ids[0].text))
        return
    check(False, op + ": no fault")


def run(wsdl_url, port, suffix):
    history = HistoryPlugin()
    client = Client(wsdl_url, plugins=[history])
    svc = client.bind("ErpService", port)

    def call(op, **kw):
        res = getattr(svc, op)(**kw)
        save(history, op)
        return res

    # Customers.
    rows = call("queryCustomers", country="DE", limit=3)
    check(len(rows) == 3 and all(r.country == "DE" for r in rows), "queryCustomers: %r" % rows)
    check(isinstance(rows[0].id, int) and isinstance(rows[0].created_at, datetime.datetime), "queryCustomers types")
    one = call("getCustomer", id=rows[0].id)
    check(len(one) == 1 and one[0].email == rows[0].email, "getCustomer")
    email = "zeep-%s@example.com" % suffix
    made = call("createCustomer", name="Zeep", email=email, city="Berlin", country="DE")
    check(len(made) == 1 and made[0].email == email and made[0].company is None, "createCustomer: %r" % made)
    cid = made[0].id
    upd = call("updateCustomer", id=cid, customer={"name": "Zeep II", "email": email, "city": "Bonn", "country": "DE"})
    check(upd[0].city == "Bonn" and upd[0].name == "Zeep II", "updateCustomer")
    pat = call("patchCustomer", id=cid, customer={"phone": "+49 1"})
    check(pat[0].phone == "+49 1" and pat[0].city == "Bonn", "patchCustomer")
    ups = call("upsertCustomer", id=cid, name="Zeep III", email=email, city="Köln", country="DE")
    check(ups[0].city == "Köln", "upsertCustomer")

    # Products: decimals and integers.
    sku = "ZP-" + suffix
    prod = call("createProduct", sku=sku, name="Zeep widget", category="test", unit_price=decimal.Decimal("9.95"), stock=3)
    pid = prod[0].id
    check(prod[0].unit_price == decimal.Decimal("9.95") and prod[0].stock == 3, "createProduct: %r" % prod)
    check(len(call("queryProducts", sku=sku)) == 1, "queryProducts")
    check(call("getProduct", id=pid)[0].sku == sku, "getProduct")
    call("updateProduct", id=pid, product={"sku": sku, "name": "W", "category": "test", "unit_price": decimal.Decimal("1.5"), "stock": 1})
    check(call("patchProduct", id=pid, product={"stock": 7})[0].stock == 7, "patchProduct")
    call("upsertProduct", id=pid, sku=sku, name="W2", category="test", unit_price=decimal.Decimal("2"), stock=2)

    # Orders: dates.
    order = call("createOrder", customer_id=cid, order_date=datetime.date(2026, 1, 2))
    oid = order[0].id
    check(order[0].order_date == datetime.date(2026, 1, 2) and order[0].status == "new", "createOrder: %r" % order)
    check(call("getOrder", id=oid)[0].customer_id == cid, "getOrder")
    check(len(call("queryOrders", customer_id=cid)) == 1, "queryOrders")
    call("updateOrder", id=oid, order={"customer_id": cid, "order_date": datetime.date(2026, 1, 3), "status": "paid", "currency": "EUR"})
    check(call("patchOrder", id=oid, order={"status": "shipped"})[0].status == "shipped", "patchOrder")
    call("upsertOrder", id=oid, customer_id=cid, order_date=datetime.date(2026, 1, 4), status="paid", currency="USD")

    # Order lines: a composite key.
    line = call("createOrderLine", order_id=oid, line_no=1, product_id=pid, quantity=2, unit_price=decimal.Decimal("1.25"))
    check(line[0].quantity == 2, "createOrderLine")
    check(call("getOrderLine", order_id=oid, line_no=1)[0].product_id == pid, "getOrderLine")
    check(len(call("queryOrderLines", order_id=oid)) == 1, "queryOrderLines")
    call("updateOrderLine", order_id=oid, line_no=1, orderLine={"product_id": pid, "quantity": 3, "unit_price": decimal.Decimal("1.25")})
    check(call("patchOrderLine", order_id=oid, line_no=1, orderLine={"quantity": 4})[0].quantity == 4, "patchOrderLine")
    call("upsertOrderLine", order_id=oid, line_no=2, product_id=pid, quantity=1, unit_price=decimal.Decimal("3"))

    # Deletes, children first; then the faults a client handles.
    for op, kw in [("deleteOrderLine", {"order_id": oid, "line_no": 1}), ("deleteOrderLine", {"order_id": oid, "line_no": 2}),
                   ("deleteOrder", {"id": oid}), ("deleteProduct", {"id": pid}), ("deleteCustomer", {"id": cid})]:
        check(call(op, **kw) == [], op)
    sender = "Client" if port.endswith("Soap") else "Sender"
    expect_fault(lambda: svc.getCustomer(id=cid), "getCustomer after delete", sender)
    expect_fault(lambda: svc.createCustomer(name="Dup", email=rows[0].email, city="X", country="DE"), "duplicate email", sender)
    print("%s: every operation answered" % port)


run(base + "/ws/soap/erp/v1?wsdl", "ErpServiceSoap", "a")
run(base + "/ws/soap12/erp/v1?wsdl=single", "ErpServiceSoap12", "b")
print("calls: %d" % count)
