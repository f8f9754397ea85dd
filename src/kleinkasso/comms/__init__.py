"""First demands to debtors: PDF letters, e-mails and EPC QR codes.

``document`` contains the input record, ``checks`` the § 13a Abs. 1 RDG
checklist, ``letter`` and ``email`` the renderers, ``qr`` the EPC QR code,
and ``outbox`` the delivery queue. The renderers are imported from their
modules, so that importing the package stays cheap.
"""
