import { Document, Link, Page, renderToBuffer, StyleSheet, Text, View } from "@react-pdf/renderer";
import type {
  BillingAddress,
  BillingCustomer,
  BillingInvoice,
  BillingProfile,
  Organisation,
} from "@/lib/db/schema";
import { formatMoney } from "./money";

export interface InvoicePdfInput {
  invoice: BillingInvoice;
  organisation: Organisation;
  profile: BillingProfile | null;
  customer: BillingCustomer | null;
}

const day = (d: Date | null | undefined) =>
  d
    ? d.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })
    : "—";
const dayOfUnix = (s: number | null) => (s ? day(new Date(s * 1000)) : null);

function addressLines(a: BillingAddress | null | undefined): string[] {
  if (!a) return [];
  const cityLine = [a.postal_code, a.city, a.state].filter(Boolean).join(" ");
  return [a.line1, a.line2, cityLine, a.country].filter((l): l is string => Boolean(l?.trim()));
}

const styles = StyleSheet.create({
  page: {
    paddingTop: 40,
    paddingHorizontal: 40,
    paddingBottom: 80,
    fontSize: 10,
    fontFamily: "Helvetica",
    color: "#1e293b",
  },
  row: { flexDirection: "row", justifyContent: "space-between" },
  issuer: { fontSize: 16, fontFamily: "Helvetica-Bold", marginBottom: 4 },
  title: { fontSize: 20, fontFamily: "Helvetica-Bold", textAlign: "right", marginBottom: 6 },
  meta: { textAlign: "right", marginBottom: 2 },
  status: { textAlign: "right", marginTop: 4, fontFamily: "Helvetica-Bold" },
  section: { marginTop: 24 },
  label: { fontSize: 8, color: "#64748b", textTransform: "uppercase", marginBottom: 4 },
  tableHead: {
    flexDirection: "row",
    borderBottomWidth: 1,
    borderBottomColor: "#cbd5e1",
    paddingBottom: 4,
    marginTop: 24,
    fontFamily: "Helvetica-Bold",
  },
  tableRow: {
    flexDirection: "row",
    borderBottomWidth: 0.5,
    borderBottomColor: "#e2e8f0",
    paddingVertical: 4,
  },
  colDescription: { flex: 5, paddingRight: 8 },
  colPeriod: { flex: 3, paddingRight: 8, color: "#64748b" },
  colQty: { flex: 1, textAlign: "right" },
  colAmount: { flex: 2, textAlign: "right" },
  totals: { marginTop: 12, marginLeft: "auto", width: 240 },
  totalRow: { flexDirection: "row", justifyContent: "space-between", paddingVertical: 2 },
  grandTotal: {
    flexDirection: "row",
    justifyContent: "space-between",
    borderTopWidth: 1,
    borderTopColor: "#1e293b",
    marginTop: 4,
    paddingTop: 4,
    fontFamily: "Helvetica-Bold",
  },
  footer: { position: "absolute", bottom: 30, left: 40, right: 40, fontSize: 8, color: "#64748b" },
  link: { color: "#4f46e5" },
});

function TotalRow({ label, value, strong = false }: { label: string; value: string; strong?: boolean }) {
  return (
    <View style={strong ? styles.grandTotal : styles.totalRow}>
      <Text>{label}</Text>
      <Text>{value}</Text>
    </View>
  );
}

function InvoiceDocument({ invoice, organisation, profile, customer }: InvoicePdfInput) {
  const money = (n: number) => formatMoney(n, invoice.currency);
  const issuerName = profile?.legalName || organisation.name;
  const customerName = invoice.customerName ?? customer?.name ?? null;
  const customerEmail = invoice.customerEmail ?? customer?.email ?? null;
  const customerAddress = addressLines(invoice.customerAddress ?? customer?.address);
  const period =
    invoice.periodStart && invoice.periodEnd && invoice.periodEnd.getTime() > invoice.periodStart.getTime()
      ? `${day(invoice.periodStart)} – ${day(invoice.periodEnd)}`
      : null;
  return (
    <Document title={`Invoice ${invoice.number ?? invoice.id}`} author={issuerName} creator="Switchboard">
      <Page size="A4" style={styles.page}>
        <View style={styles.row}>
          <View>
            <Text style={styles.issuer}>{issuerName}</Text>
            {issuerName !== organisation.name ? <Text>{organisation.name}</Text> : null}
            {addressLines(profile?.address).map((l) => (
              <Text key={l}>{l}</Text>
            ))}
            {profile?.email ? <Text>{profile.email}</Text> : null}
            {profile?.taxId ? <Text>Tax ID: {profile.taxId}</Text> : null}
          </View>
          <View>
            <Text style={styles.title}>Invoice</Text>
            <Text style={styles.meta}>Number: {invoice.number ?? invoice.id}</Text>
            <Text style={styles.meta}>Issued: {day(invoice.finalizedAt ?? invoice.stripeCreatedAt)}</Text>
            {invoice.dueDate ? <Text style={styles.meta}>Due: {day(invoice.dueDate)}</Text> : null}
            {invoice.paidAt ? <Text style={styles.meta}>Paid: {day(invoice.paidAt)}</Text> : null}
            {period ? <Text style={styles.meta}>Period: {period}</Text> : null}
            <Text style={styles.status}>Status: {(invoice.status ?? "unknown").toUpperCase()}</Text>
          </View>
        </View>

        <View style={styles.section}>
          <Text style={styles.label}>Bill to</Text>
          <Text>{customerName ?? customerEmail ?? invoice.customerId ?? "—"}</Text>
          {customerName && customerEmail ? <Text>{customerEmail}</Text> : null}
          {customerAddress.map((l) => (
            <Text key={l}>{l}</Text>
          ))}
        </View>

        {invoice.description ? (
          <View style={styles.section}>
            <Text>{invoice.description}</Text>
          </View>
        ) : null}

        <View style={styles.tableHead} fixed>
          <Text style={styles.colDescription}>Description</Text>
          <Text style={styles.colPeriod}>Period</Text>
          <Text style={styles.colQty}>Qty</Text>
          <Text style={styles.colAmount}>Amount</Text>
        </View>
        {invoice.lines.map((l) => {
          const from = dayOfUnix(l.period_start);
          const to = dayOfUnix(l.period_end);
          return (
            <View key={l.id} style={styles.tableRow} wrap={false}>
              <Text style={styles.colDescription}>{l.description ?? "Item"}</Text>
              <Text style={styles.colPeriod}>
                {from && to && from !== to ? `${from} – ${to}` : (from ?? "")}
              </Text>
              <Text style={styles.colQty}>{l.quantity ?? ""}</Text>
              <Text style={styles.colAmount}>{formatMoney(l.amount, l.currency)}</Text>
            </View>
          );
        })}

        <View style={styles.totals} wrap={false}>
          <TotalRow label="Subtotal" value={money(invoice.subtotal)} />
          {invoice.discounts.map((d) => (
            <TotalRow
              key={`${d.label}-${d.amount}`}
              label={`Discount: ${d.label}`}
              value={`-${money(d.amount)}`}
            />
          ))}
          {invoice.taxes.length ? (
            invoice.taxes.map((t) => (
              <TotalRow key={`${t.label}-${t.amount}`} label={t.label} value={money(t.amount)} />
            ))
          ) : (
            <TotalRow label="Tax" value={money(0)} />
          )}
          <TotalRow label="Total" value={money(invoice.total)} strong />
          <TotalRow label="Amount paid" value={money(invoice.amountPaid)} />
          <TotalRow label="Amount due" value={money(invoice.amountRemaining)} strong />
        </View>

        <View style={styles.footer} fixed>
          {invoice.hostedInvoiceUrl ? (
            <Text>
              Pay or view online:{" "}
              <Link src={invoice.hostedInvoiceUrl} style={styles.link}>
                {invoice.hostedInvoiceUrl}
              </Link>
            </Text>
          ) : null}
          {profile?.footer ? <Text>{profile.footer}</Text> : null}
          <Text
            render={({ pageNumber, totalPages }) =>
              `${invoice.number ?? invoice.id} · page ${pageNumber} of ${totalPages}`
            }
          />
        </View>
      </Page>
    </Document>
  );
}

/** Renders an invoice to PDF bytes with @react-pdf/renderer. */
export function renderInvoicePdf(input: InvoicePdfInput): Promise<Buffer> {
  return renderToBuffer(<InvoiceDocument {...input} />);
}
