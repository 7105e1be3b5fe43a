"""A throw-away certificate authority and a broker certificate for 127.0.0.1, as PEM files (made with `cryptography`)."""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

VALID_FOR = datetime.timedelta(days=2)


@dataclasses.dataclass(frozen=True)
class BrokerCertificates:
    #: The CA certificate clients trust (KAFKA_SSL_CAFILE) and the broker's truststore.
    ca_file: Path
    #: The broker's PEM keystore: its private key (PKCS#8, unencrypted: Java 17 cannot read PBES2, the only scheme
    #: `cryptography` writes PKCS#8 with) and its certificate chain. The file lives in the test's temporary folder.
    keystore_file: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, public_key, issuer: str, signing_key, *, is_ca: bool) -> x509.Certificate:
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALID_FOR)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=None), critical=True)
    )
    if not is_ca:
        names = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def make_broker_certificates(folder: Path) -> BrokerCertificates:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("protest-tally test CA", ca_key.public_key(), "protest-tally test CA", ca_key, is_ca=True)
    broker_key = ec.generate_private_key(ec.SECP256R1())
    broker = _certificate("127.0.0.1", broker_key.public_key(), "protest-tally test CA", ca_key, is_ca=False)
    pem = serialization.Encoding.PEM
    ca_file = folder / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(pem))
    keystore_file = folder / "broker-keystore.pem"
    key = broker_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    keystore_file.write_bytes(key + broker.public_bytes(pem) + ca.public_bytes(pem))
    return BrokerCertificates(ca_file, keystore_file)
