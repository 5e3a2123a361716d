"""Synthetic texts for the sharing tests: invented numbers, handles and adverts (no real data)."""

from __future__ import annotations

SECRET = "synthetic-group-secret-0123456789"
OTHER_SECRET = "another-group-secret-9876543210"

# An Indonesian job lure with the number spelled out and split (0812-3456-7890, invented).
ID_ADVERT = (
    "Lowongan kerja di Malaysia! Gaji besar 8 juta per bulan, tiket pesawat gratis, tanpa "
    "pengalaman. Hubungi WA nol delapan satu dua - 3456 - 7890 sekarang, tempat terbatas!"
)
ID_NUMBER = "+6281234567890"
# The same template reposted with another number, another salary and an extra "!".
ID_ADVERT_REPOST = (
    "Lowongan kerja di Malaysia! Gaji besar 9 juta per bulan, tiket pesawat gratis, tanpa "
    "pengalaman. Hubungi WA 0813 9999 1234 segera, tempat terbatas!!"
)
UNRELATED_ADVERT = (
    "Dijual rumah dua lantai di Bandung, tiga kamar tidur, dekat sekolah dan pasar. Harga bisa "
    "nego, hubungi pemilik langsung lewat telepon."
)
THAI_LINE = "รับสมัครพนักงานด่วน รายได้ดี ติดต่อไลน์ไอดี: Jobs_BKK99 ค่ะ"
THAI_HANDLE = "line:jobs_bkk99"
ARABIC_WA = "وظائف في دبي براتب ممتاز وسكن مجاني، تواصل عبر https://wa.me/971501234567 الآن"
ARABIC_NUMBER = "+971501234567"
