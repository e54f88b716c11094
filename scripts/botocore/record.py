#!/usr/bin/env python3
"""Records a real boto3/botocore DEBUG log against a local AWS emulator, with its ground truth.

The seed scenario of tracing-redact, for real: boto3 with `set_stream_logger` at DEBUG for
'boto3', 'botocore.client.S3' and 'botocore', as its documentation teaches, against moto's
server on 127.0.0.1 (a free port the OS picks), with random credentials and random secret
values ("canaries"). Each log record that a handler emits is one case.

Nothing here parses the log to find secrets: the ground truth comes from the SDK and the
emulator themselves.
  * Canaries we chose: the client's keys, passwords, parameter and secret values, an SSE-C key.
  * Secrets the emulator issued, read from the API responses: AssumeRole and GetSessionToken
    credentials, CreateAccessKey keys, KMS plaintexts and data keys, Cognito tokens, the ECR
    authorization token.
  * Every SigV4 signature botocore computed, recorded by wrapping `SigV4Auth.signature`.
Each secret is stored with the encoded forms it can take on the wire (base64 for blobs, JSON
escaping, percent-encoding), so that the test can prove each one is really in the raw log.

Usage: record.py --seed N --out corpus.json
"""

import argparse
import base64
import io
import json
import logging
import random
import string
import sys
import time
import urllib.parse
import xml.sax.saxutils
import zipfile


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    import boto3
    import botocore
    import botocore.auth
    from moto.server import ThreadedMotoServer

    rng = random.Random(args.seed)
    secrets = []  # {"kind", "value", "logged"}: the ground truth, raw values
    keep = set()  # words that must come through every record unchanged

    def secret(kind, value, logged=True):
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode()
            kind += " (base64, as on the wire)"
        entry = {"kind": kind, "value": value, "logged": logged}
        if kind.endswith("access-key-id"):
            # Key ids carry the account id in characters 5 to 12 (base32), and so do the role
            # and user ids of the same account (`AROA…`, `AIDA…`), which are not secret: the
            # leak check reads 12-byte windows of a key id, which no other id shares.
            entry["window"] = 12
        secrets.append(entry)
        return value

    # Every signature botocore computes, from botocore itself.
    original_signature = botocore.auth.SigV4Auth.signature

    def recording_signature(self, string_to_sign, request):
        signature = original_signature(self, string_to_sign, request)
        secret("sigv4-signature", signature)
        return signature

    botocore.auth.SigV4Auth.signature = recording_signature

    # What `boto3.set_stream_logger` installs, with its own format string; only the stream is
    # ours, so that each record arrives as one write.
    records = []

    class RecordStream(io.TextIOBase):
        def write(self, text):
            records.append(text[:-1] if text.endswith("\n") else text)
            return len(text)

    for name in ("boto3", "botocore.client.S3", "botocore"):
        boto3.set_stream_logger(name, logging.DEBUG)
        for handler in logging.getLogger(name).handlers:
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(RecordStream())
    # The application's own logger, for the one thing an app prints itself: a presigned URL.
    app_log = logging.getLogger("app")
    app_log.setLevel(logging.DEBUG)
    app_handler = logging.StreamHandler(RecordStream())
    app_handler.setFormatter(
        logging.Formatter("%(asctime)s %(name)s [%(levelname)s] %(message)s")
    )
    app_log.addHandler(app_handler)

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        run_session(boto3, endpoint, rng, secret, keep, app_log)
    finally:
        server.stop()
        botocore.auth.SigV4Auth.signature = original_signature
        for name in ("boto3", "botocore.client.S3", "botocore", "app"):
            logging.getLogger(name).handlers.clear()

    with open(args.out, "w") as out:
        json.dump(
            {
                "generator": "scripts/botocore/record.py",
                "seed": args.seed,
                "versions": {
                    "boto3": boto3.__version__,
                    "botocore": botocore.__version__,
                    "moto": __import__("moto").__version__,
                    "python": sys.version.split()[0],
                },
                "records": records,
                "secrets": [dict(s, forms=wire_forms(s["value"])) for s in dedupe(secrets)],
                "keep": sorted(keep),
            },
            out,
            indent=1,
        )
    print(f"{args.out}: {len(records)} records, {len(secrets)} secrets", file=sys.stderr)


ENCODERS = (
    lambda s: json.dumps(s)[1:-1],  # a JSON string's body
    # A bytes repr's body, as botocore logs request and response bodies. repr picks single
    # quotes when the bytes hold both kinds, as a JSON body does, and then escapes `'`: the
    # appended `"'` forces that choice, and is cut off again with the closing quote.
    lambda s: repr(s.encode() + b"\"'")[2:-4],
    lambda s: urllib.parse.quote(s, safe=""),  # percent-encoding (query protocol, URLs)
    lambda s: urllib.parse.quote_plus(s, safe=""),
    lambda s: xml.sax.saxutils.escape(s, {'"': "&quot;", "'": "&apos;"}),  # XML text
)


def wire_forms(value, depth=3):
    """The value under up to `depth` nested encodings: a password in JSON in JSON in a bytes
    repr is three deep. The encoders are Python's own, not ours."""
    forms, frontier = {value}, {value}
    for _ in range(depth):
        frontier = {encode(f) for f in frontier for encode in ENCODERS} - forms
        forms |= frontier
    return sorted(forms, key=lambda f: (len(f), f))


def dedupe(secrets):
    seen, out = set(), []
    for s in secrets:
        if s["value"] not in seen:
            seen.add(s["value"])
            out.append(s)
    return out


def random_text(rng, alphabet, length):
    return "".join(rng.choice(alphabet) for _ in range(length))


# Values that end where a parser would guess wrong: quotes, escapes, separators, spaces.
HARD = string.ascii_letters + string.digits + "&;/+%=,\"'{}()[]$@\\ !#*:<>?^`|~-_."


def run_session(boto3, endpoint, rng, secret, keep, app_log):
    upper32 = string.ascii_uppercase + "234567"
    b64 = string.ascii_letters + string.digits + "+/"
    region = rng.choice(["us-east-1", "eu-west-1", "ap-southeast-2"])
    keep.add(region)
    access_key = secret("client-access-key-id", "AKIA" + random_text(rng, upper32, 16))
    # botocore never logs the client's secret key; it is checked all the same.
    secret_key = secret("client-secret-access-key", random_text(rng, b64, 40), logged=False)
    session = boto3.session.Session(
        aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name=region
    )

    def client(service, **kw):
        return session.client(service, endpoint_url=endpoint, **kw)

    def note(response):
        keep.add(response["ResponseMetadata"]["RequestId"])
        return response

    for op in (
        "GetCallerIdentity", "AssumeRole", "GetSessionToken", "CreateAccessKey",
        "CreateLoginProfile", "PutObject", "GetObject", "ListObjectsV2", "GetSecretValue",
        "CreateSecret", "PutSecretValue", "PutParameter", "GetParameter", "GetParameters",
        "GetParametersByPath", "Encrypt", "Decrypt", "GenerateDataKey", "ListBuckets",
    ):
        keep.add(op)

    # STS and IAM.
    iam = client("iam")
    sts = client("sts")
    note(sts.get_caller_identity())
    user = "deploy-" + random_text(rng, string.ascii_lowercase, 6)
    keep.add(user)
    note(iam.create_user(UserName=user))
    created = note(iam.create_access_key(UserName=user))["AccessKey"]
    secret("iam-access-key-id", created["AccessKeyId"])
    secret("iam-secret-access-key", created["SecretAccessKey"])
    login_password = secret("iam-login-password", random_text(rng, HARD, 20))
    note(iam.create_login_profile(UserName=user, Password=login_password))
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
        }
    )
    role = note(iam.create_role(RoleName="app-" + user, AssumeRolePolicyDocument=trust))["Role"]
    assumed = note(sts.assume_role(RoleArn=role["Arn"], RoleSessionName="ci-" + user))
    creds = assumed["Credentials"]
    secret("sts-access-key-id", creds["AccessKeyId"])
    secret("sts-secret-access-key", creds["SecretAccessKey"])
    secret("sts-session-token", creds["SessionToken"])
    token_creds = note(sts.get_session_token(DurationSeconds=900))["Credentials"]
    secret("sts-access-key-id", token_creds["AccessKeyId"])
    secret("sts-secret-access-key", token_creds["SecretAccessKey"])
    secret("sts-session-token", token_creds["SessionToken"])
    note(iam.list_users())

    # S3, as the assumed role: every request carries x-amz-security-token.
    role_session = boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )
    s3 = role_session.client("s3", endpoint_url=endpoint)
    bucket = "logs-" + random_text(rng, string.ascii_lowercase + string.digits, 10)
    keep.add(bucket)
    if region == "us-east-1":
        note(s3.create_bucket(Bucket=bucket))
    else:
        note(s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}))
    note(s3.put_object(Bucket=bucket, Key="reports/2026/summary.json", Body=b'{"rows": 42}'))
    note(s3.get_object(Bucket=bucket, Key="reports/2026/summary.json"))["Body"].read()
    note(s3.list_objects_v2(Bucket=bucket, Prefix="reports/"))
    sse_key = bytes(rng.getrandbits(8) for _ in range(32))
    secret("s3-sse-customer-key", sse_key)
    note(
        s3.put_object(
            Bucket=bucket, Key="private/key.bin", Body=b"x" * 16,
            SSECustomerAlgorithm="AES256", SSECustomerKey=sse_key,
        )
    )
    for method, params in (
        ("get_object", {"Bucket": bucket, "Key": "reports/2026/summary.json"}),
        ("put_object", {"Bucket": bucket, "Key": "uploads/incoming.csv"}),
    ):
        url = s3.generate_presigned_url(method, Params=params, ExpiresIn=300)
        app_log.debug("presigned %s url: %s", method, url)
    note(client("s3").list_buckets())

    # Secrets Manager: JSON inside JSON inside a bytes repr, and a binary secret.
    sm = client("secretsmanager")
    db_password = secret("secretsmanager-password", random_text(rng, HARD, 24))
    secret_string = json.dumps(
        {"username": "app", "password": db_password, "engine": "postgres", "host": "db.internal", "port": 5432}
    )
    name = "prod/app/" + random_text(rng, string.ascii_lowercase, 6)
    keep.add(name)
    note(sm.create_secret(Name=name, SecretString=secret_string))
    note(sm.get_secret_value(SecretId=name))
    api_token = secret("secretsmanager-plain-string", random_text(rng, HARD, 32))
    note(sm.put_secret_value(SecretId=name, SecretString=api_token))
    note(sm.get_secret_value(SecretId=name))
    binary = bytes(rng.getrandbits(8) for _ in range(24))
    secret("secretsmanager-binary", binary)
    note(sm.put_secret_value(SecretId=name, SecretBinary=binary))
    note(sm.get_secret_value(SecretId=name))
    note(sm.describe_secret(SecretId=name))
    note(sm.list_secrets())

    # SSM Parameter Store: SecureString values under the generic key "Value".
    ssm = client("ssm")
    param_value = secret("ssm-securestring", random_text(rng, HARD, 28))
    path = "/app/" + random_text(rng, string.ascii_lowercase, 5)
    keep.add(path)
    note(ssm.put_parameter(Name=path + "/db/password", Value=param_value, Type="SecureString"))
    note(ssm.put_parameter(Name=path + "/region", Value=region, Type="String"))
    note(ssm.get_parameter(Name=path + "/db/password", WithDecryption=True))
    note(ssm.get_parameters(Names=[path + "/db/password", path + "/region"], WithDecryption=True))
    note(ssm.get_parameters_by_path(Path=path, Recursive=True, WithDecryption=True))
    note(ssm.describe_parameters())

    # KMS: plaintexts go out and come back as base64 blobs.
    kms = client("kms")
    key_id = note(kms.create_key(Description="app data"))["KeyMetadata"]["KeyId"]
    keep.add(key_id)
    plaintext = random_text(rng, HARD, 30).encode()
    secret("kms-plaintext", plaintext)
    blob = note(kms.encrypt(KeyId=key_id, Plaintext=plaintext))["CiphertextBlob"]
    note(kms.decrypt(CiphertextBlob=blob))
    data_key = note(kms.generate_data_key(KeyId=key_id, KeySpec="AES_256"))
    secret("kms-data-key", data_key["Plaintext"])

    # Cognito: a password going in, three tokens coming out.
    idp = client("cognito-idp")
    pool = note(idp.create_user_pool(PoolName="users"))["UserPool"]["Id"]
    app_client = note(
        idp.create_user_pool_client(
            UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"]
        )
    )["UserPoolClient"]["ClientId"]
    username = "user" + random_text(rng, string.digits, 4)
    user_password = secret(
        "cognito-password",
        random_text(rng, string.ascii_uppercase, 3)
        + random_text(rng, string.ascii_lowercase, 6)
        + random_text(rng, string.digits, 3)
        + random_text(rng, "!#$%&*+-=?@^_", 3),
    )
    note(idp.admin_create_user(UserPoolId=pool, Username=username, MessageAction="SUPPRESS"))
    note(idp.admin_set_user_password(UserPoolId=pool, Username=username, Password=user_password, Permanent=True))
    auth = note(
        idp.admin_initiate_auth(
            UserPoolId=pool, ClientId=app_client, AuthFlow="ADMIN_NO_SRP_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": user_password},
        )
    )["AuthenticationResult"]
    for token in ("IdToken", "AccessToken", "RefreshToken"):
        secret("cognito-" + token, auth[token])

    # ECR: the docker login token.
    ecr = client("ecr")
    for data in note(ecr.get_authorization_token())["authorizationData"]:
        secret("ecr-authorization-token", data["authorizationToken"])

    # RDS: a master password in the query protocol.
    rds = client("rds")
    master = secret(
        "rds-master-password",
        random_text(rng, string.ascii_letters + string.digits + "!#$%&*+-=?^_~;,", 20),
    )
    note(
        rds.create_db_instance(
            DBInstanceIdentifier="app-db", DBInstanceClass="db.t3.micro", Engine="postgres",
            MasterUsername="app", MasterUserPassword=master, AllocatedStorage=20,
        )
    )

    # Lambda: secrets in environment variables.
    lam = client("lambda")
    env_secret = secret("lambda-env-secret", random_text(rng, HARD, 22))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("handler.py", "def handler(event, context):\n    return event\n")
    note(
        lam.create_function(
            FunctionName="worker", Runtime="python3.12", Role=role["Arn"],
            Handler="handler.handler", Code={"ZipFile": archive.getvalue()},
            Environment={"Variables": {"DB_PASSWORD": env_secret, "LOG_LEVEL": "debug"}},
        )
    )
    note(lam.get_function_configuration(FunctionName="worker"))


if __name__ == "__main__":
    main()
