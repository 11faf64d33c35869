// Decodes a VietQR payload with an independent decoder, the `vietnam-qr-pay` npm package
// (checks the EMVCo structure and the CRC); driven by crates/web/tests/api/payments_interop.rs.
// Usage: node vietqr_decode.mjs PAYLOAD → one JSON line.
import pkg from 'vietnam-qr-pay';

const { QRPay } = pkg;
const qr = new QRPay(process.argv[2]);
console.log(JSON.stringify({
  valid: qr.isValid,
  guid: qr.provider.guid,
  service: qr.provider.service,
  bin: qr.consumer.bankBin,
  account: qr.consumer.bankNumber,
  amount: qr.amount,
  currency: qr.currency,
  nation: qr.nation,
  purpose: qr.additionalData.purpose,
}));
