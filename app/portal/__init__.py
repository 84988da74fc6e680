"""The local area's side of an inspection: the nominated officer's portal (invitation, uploads, area data,
claims) and the inspectors' testing of each claim of the self-evaluation."""
