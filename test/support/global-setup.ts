// Placeholder: replaced by the S3 endpoint setup (see test/support/s3-endpoint.ts).
export default function setup(): void {}
