// Package synth writes large, deterministic synthetic AWS logs for
// benchmarks and soak tests: CloudTrail S3 objects and VPC flow log objects
// in AWS's key layout, gzipped. Unlike gen/demo it tells no story; it is
// volume with realistic shape (many principals, sessions, addresses, user
// agents and APIs; flows with both halves of each connection).
package synth
