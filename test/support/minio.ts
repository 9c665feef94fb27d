/**
 * The pinned MinIO that testcontainers starts where a Docker engine answers; docker/compose.yml
 * pins the same image (a test checks that). Pinned because MinIO's conditional-write behaviour
 * changed between releases (minio/minio#21526: `If-Match` on a missing key used to write).
 *
 * @module
 */

/** The MinIO image, pinned. */
export const MINIO_IMAGE = 'minio/minio:RELEASE.2025-09-07T16-13-09Z';

/** The root credentials the test container and docker/compose.yml use (throwaway, local only). */
export const MINIO_CREDENTIALS = { accessKeyId: 'floe-test', secretAccessKey: 'floe-test-secret-key' } as const;
