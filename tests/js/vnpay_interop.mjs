// Interoperability with an independent VNPay client, the `vnpay` npm package (lehuygiang28/vnpay),
// driven by crates/web/tests/api/payments.rs. Usage: node vnpay_interop.mjs COMMAND 'JSON'.
//   verify-url  {tmn, secret, url}            does the library accept our signed payment URL, and does
//                                             it sign the same payment with the same hash?
//   send-ipn    {secret, ipn_url, params}     sign an IPN with the library and send it to us
//   query       {tmn, secret, host, txn_ref, order_info, transaction_date}
//                                             query a payment's status (querydr) with the library
// Prints one JSON line.
import { VNPay } from 'vnpay';
import { buildPaymentUrlSearchParams, calculateSecureHash } from 'vnpay/utils';

const [command, json] = process.argv.slice(2);
const a = JSON.parse(json);

if (command === 'verify-url') {
  const url = new URL(a.url);
  const vnpay = new VNPay({ tmnCode: a.tmn, secureSecret: a.secret, vnpayHost: url.origin, paymentEndpoint: url.pathname });
  const p = Object.fromEntries(url.searchParams);
  const verified = vnpay.verifyReturnUrl(p).isVerified;
  const theirs = vnpay.buildPaymentUrl({
    vnp_Amount: Number(p.vnp_Amount) / 100,
    vnp_IpAddr: p.vnp_IpAddr,
    vnp_TxnRef: p.vnp_TxnRef,
    vnp_OrderInfo: p.vnp_OrderInfo,
    vnp_OrderType: p.vnp_OrderType,
    vnp_ReturnUrl: p.vnp_ReturnUrl,
    vnp_Locale: p.vnp_Locale,
    vnp_CreateDate: Number(p.vnp_CreateDate),
    vnp_ExpireDate: Number(p.vnp_ExpireDate),
  });
  const sameHash = new URL(theirs).searchParams.get('vnp_SecureHash') === p.vnp_SecureHash;
  console.log(JSON.stringify({ verified, same_hash: sameHash, their_url: theirs }));
} else if (command === 'send-ipn') {
  const search = buildPaymentUrlSearchParams(a.params);
  const hash = calculateSecureHash({
    secureSecret: a.secret,
    data: search.toString(),
    hashAlgorithm: 'SHA512',
    bufferEncode: 'utf-8',
  });
  search.append('vnp_SecureHash', hash);
  const r = await fetch(`${a.ipn_url}?${search.toString()}`);
  console.log(JSON.stringify({ status: r.status, body: await r.json() }));
} else if (command === 'query') {
  const vnpay = new VNPay({ tmnCode: a.tmn, secureSecret: a.secret, vnpayHost: a.host, queryDrAndRefundHost: a.host });
  const r = await vnpay.queryDr({
    vnp_RequestId: `${Date.now()}`,
    vnp_IpAddr: '127.0.0.1',
    vnp_TxnRef: a.txn_ref,
    vnp_OrderInfo: a.order_info,
    vnp_TransactionDate: Number(a.transaction_date),
    vnp_CreateDate: Number(a.transaction_date),
  });
  console.log(JSON.stringify({ verified: r.isVerified, success: r.isSuccess, status: r.vnp_TransactionStatus, amount: r.vnp_Amount }));
} else {
  console.error(`unknown command ${command}`);
  process.exit(2);
}
