// SPDX-License-Identifier: GPL-2.0
/*
 * struct packet_type has no ignore_outgoing before v4.20 (absent in
 * v4.14.325): a tap bound to the lower then also sees the lower's
 * transmitted frames, as PACKET_OUTGOING. The driver's ptype handler
 * already drops those, so the assignment just goes.
 * Upstream: "packet: add sockopt to ignore outgoing packets" (v4.20).
 */
@@
expression P, V;
@@
- P.ignore_outgoing = V;
