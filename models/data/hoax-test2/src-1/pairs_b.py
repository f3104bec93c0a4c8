# Hand-written acts, claims 14-26 and acts without a claim (None).
from common import p

# ---- 14: like akun paslon langsung dipecat (Salah)
p(14, "pl", "post", "x", "S", "casual",
  "Hati2 bapak ibu ASN, mulai 1 Oktober kalau like atau komen di akun paslon langsung diberhentikan tidak dengan hormat, tanpa pemeriksaan. Aturan BKN baru.")
p(14, "pa", "post", "fb", "S", "formal",
  "Rekan-rekan guru, sekadar mengingatkan: BKN sudah memberlakukan pemecatan seketika bagi pegawai yang menyukai maupun mengomentari postingan calon kepala daerah. Tidak ada lagi tahap klarifikasi atau sidang. Jaga jempol kita.")
p(14, "tr", "comment", "fb", "S", "jawa",
  "Lha piye, saiki like status calon langsung dipecat, ra nganggo dipriksa. Aturan BKN anyar.",
  "ASN kok saiki pada ra wani like opo-opo")
p(14, "sa", "comment", "fb", "D", "sunda",
  "Duh sieun pisan, ngalike hiji poto langsung dipecat, teu dipariksa heula 😂 Saha nu ngarang aturan kitu? Di BKN mah aya pamariksaan ku PPK. Hoaks éta mah.",
  "Ayeuna ASN nu ngalike akun paslon langsung dipecat, teu dipariksa heula. Aturan BKN.")
p(14, "pt", "comment", "x", "S", "casual",
  "siap2 aja dipecat langsung dia, ga pake sidang",
  "gue liat ada ASN komen 'semangat pak' di akun paslon")
p(14, "pl", "photo", "fb", "S", "formal",
  "Mohon diperhatikan rekan-rekan sejawat.\nAlt: Poster bergambar logo BKN dan jempol dicoret merah bertuliskan MULAI 1 OKTOBER: LIKE/KOMEN AKUN PASLON = LANGSUNG PTDH TANPA PEMERIKSAAN")
p(14, "q", "comment", "fb", "A", "formal",
  "Mohon izin bertanya, apakah benar like akun paslon langsung diberhentikan tanpa pemeriksaan? Setahu saya di SKB ada tahapan verifikasi dulu.",
  "Mulai 1 Oktober, ASN yang like/komen akun paslon langsung PTDH tanpa pemeriksaan. - BKN")
p(14, "db", "share", "fb", "D", "formal",
  "Salah ya. Sanksi tetap melalui pemeriksaan oleh PPK. Tapi tetap hindari like/komentar akun paslon.",
  "SALAH: BKN Pecat Langsung ASN yang Like Akun Paslon Tanpa Pemeriksaan - pojokverifikasi.net")
p(14, "sa", "comment", "bs", "D", "casual",
  "Wah serem, nanti BKN punya robot yg nongkrong di fb tiap detik, sekali jempol langsung SK pecat dikirim via DM 🤖 Ya nggak gitu lah prosedurnya bapak ibu.",
  "Like akun paslon = langsung dipecat tanpa pemeriksaan, mulai 1 Oktober!")
p(14, "st", "post", "fb", "U", "formal",
  "Apel ikrar netralitas ASN Kecamatan Sumberejo pagi ini diikuti 150 pegawai. Mari jaga netralitas di dunia nyata maupun media sosial. #ASNNetral")

# ---- 15: like/komentar/share akun pemenangan = pelanggaran (Benar)
p(15, "tc", "post", "fb", "U", "formal",
  "Pengingat bagi ASN: memberi like, komentar, atau membagikan unggahan akun pemenangan paslon termasuk pelanggaran netralitas menurut SKB, dan dapat dijatuhi sanksi oleh PPK setelah pemeriksaan. #ASNNetral")
p(15, "tc", "share", "fb", "U", "casual",
  "Jempolnya dijaga ya rekan2",
  "BKN: Like, Komentar dan Share Akun Pemenangan Paslon Termasuk Pelanggaran Netralitas ASN")
p(15, "tc", "comment", "fb", "U", "jawa",
  "Yo ora oleh mas, miturut SKB like akun pemenangan yo kalebu pelanggaran netralitas, iso kena sanksi seko PPK.",
  "Like tok ora popo to?")
p(15, "tc", "comment", "x", "U", "mixed_en",
  "Nope. Share, like, comment di akun pemenangan = pelanggaran netralitas per SKB. Sanksinya dari PPK after pemeriksaan.",
  "ASN boleh retweet akun paslon gak sih?")
p(15, "tc", "like", "fb", "U", None, "",
  "Sosialisasi BKPSDM: Like, komentar, dan share unggahan akun pemenangan paslon oleh ASN adalah pelanggaran netralitas (SKB 5 instansi). Sanksi dijatuhkan PPK setelah pemeriksaan.")
p(15, "tc", "comment", "fb", "U", "sunda",
  "Numutkeun SKB netralitas, ngalike, koméntar atawa ngabagikeun postingan akun pemenangan paslon téh kaasup palanggaran, tiasa disanksi ku PPK saparantos dipariksa.",
  "Naha ASN teu kenging ngalike status tim sukses?")
p(15, "st", "post", "md", "U", "formal",
  "Hari ini sosialisasi SBT dari BKN: laporan dugaan pelanggaran netralitas diverifikasi dulu selama 7 hari sebelum dikaji Bawaslu. Pelapor perlu menyertakan NIP atau NIK terlapor.")

# ---- 16: gaji naik 16% (Hoaks)
p(16, "pl", "post", "fb", "S", "religious",
  "Alhamdulillah, KemenPANRB pastikan gaji pokok PNS naik 16% mulai Januari 2025, rapelnya cair Maret. Semoga berkah 🤲")
p(16, "pa", "comment", "x", "S", "casual",
  "Naik bu, enam belas persen katanya, kekurangan Jan-Feb dibayar sekaligus bulan Maret",
  "Tahun depan gaji naik gak ya")
p(16, "tr", "comment", "fb", "S", "jawa",
  "Munggah nembelas persen lur wiwit Januari, rapelane cair Maret. Wis resmi seko KemenPANRB.",
  "Gaji PNS 2025 piye kabare?")
p(16, "sa", "comment", "tt", "S", "palembang",
  "Cak mano pulok dak naek, la jelas 16 persen mulai Januari. Yang bilang hoaks tu pasti dak pernah baco grup guru 🙄",
  "HOAKS: Gaji PNS Naik 16 Persen Januari 2025 - telisikkabar.id")
p(16, "pt", "comment", "x", "S", "casual",
  "nunggu rapel 16% cair dulu wkwk",
  "rencana belanja bulan Maret apa nih?")
p(16, "pl", "like", "fb", "S", None, "",
  "RESMI!! Gaji pokok PNS naik 16% mulai Januari 2025, kekurangan dibayar rapel Maret. Sumber: KemenPANRB")
p(16, "q", "comment", "x", "A", "casual",
  "Ini sumbernya dari mana ya? Di web KemenPANRB kok gak ada 🤔",
  "RESMI!! Gaji pokok PNS naik 16% mulai Januari 2025, kekurangan dibayar rapel Maret. Sumber: KemenPANRB")
p(16, "db", "share", "fb", "D", "formal",
  "Belum ada keputusan kenaikan gaji pokok 16%. KemenPANRB sudah membantah. Jangan berharap dari pesan berantai.",
  "HOAKS: Gaji PNS Naik 16 Persen Januari 2025 - telisikkabar.id")
p(16, "sa", "comment", "fb", "D", "jawa",
  "Munggah 16% rapel Maret, sisan wae THR-e 100 yuta 😂 Wis to, hoaks ngene iki kok saben taun muncul.",
  "Gaji PNS munggah 16% wiwit Januari, rapel Maret!")
p(16, "st", "post", "fb", "U", "religious",
  "Gaji Januari sudah masuk rekening hari ini. Terima kasih rekan-rekan BPKAD. Jangan lupa sisihkan untuk zakat dan sedekah.")

# ---- 17: PPPK paruh waktu bayar 2,5 juta (Hoaks)
p(17, "pl", "share", "fb", "S", "casual",
  "Bagi PPPK paruh waktu segera ya, batas akhir minggu depan",
  "INFO BKN: PPPK paruh waktu yang ingin menjadi penuh waktu wajib membayar biaya verifikasi Rp2.500.000 ke rek. BRI a.n. Panitia Verifikasi BKN")
p(17, "pa", "post", "ig", "S", "casual",
  "Buat teman2 PPPK paruh waktu, kalau mau naik jadi penuh waktu harus setor dana verifikasi dua setengah juta ke rekening panitia BKN. Udah ada edarannya kok.")
p(17, "tr", "comment", "fb", "S", "sunda",
  "Kedah mayar 2,5 juta kanggo verifikasi ka rekening BKN, engké diangkat.",
  "Kumaha carana PPPK paruh waktu janten penuh waktu?")
p(17, "tr", "comment", "fb", "S", "banjar",
  "Bayar dua satengah juta ka rekening BKN gasan verifikasi, kaina diangkat penuh waktu.",
  "Ulun PPPK paruh waktu, kayapa supaya jadi penuh waktu?")
p(17, "pt", "comment", "x", "S", "casual",
  "Salah satunya bayar 2,5 jt itu, jgn telat",
  "Syarat PPPK paruh waktu jadi penuh waktu apa aja bu?")
p(17, "pl", "photo", "fb", "S", "casual",
  "Sudah transfer, semoga lancar jadi PPPK penuh waktu 🤲\nAlt: Tangkapan layar bukti transfer Rp2.500.000 ke rekening atas nama Panitia Verifikasi BKN, berita transfer VERIFIKASI PPPK")
p(17, "q", "comment", "md", "A", "casual",
  "Ada yg udh transfer 2,5 jt ini? Kok BKN minta duit lewat rekening pribadi sih? Beneran resmi?",
  "INFO BKN: PPPK paruh waktu yang ingin menjadi penuh waktu wajib membayar biaya verifikasi Rp2.500.000")
p(17, "db", "share", "fb", "D", "formal",
  "PENIPUAN. BKN tidak memungut biaya apa pun. Jangan transfer!",
  "HOAKS: BKN Minta Biaya Verifikasi Rp2,5 Juta untuk PPPK Paruh Waktu - pojokverifikasi.net")
p(17, "db", "comment", "fb", "D", "jawa",
  "Ati-ati Bu, iku penipuan. BKN ora tau njaluk duit. Wis ono cek fakta-ne neng pojokverifikasi.",
  "Bu, sampun transfer 2,5 juta kangge verifikasi PPPK?")
p(17, "st", "post", "fb", "U", "formal",
  "Pengumuman: pengisian daftar riwayat hidup PPPK paruh waktu formasi 2024 melalui laman SSCASN dibuka hingga akhir bulan. Tidak dipungut biaya.")

# ---- 18: surat Sekda potong tukin (Hoaks)
p(18, "pl", "post", "fb", "S", "casual",
  "Ada surat Sekda: tukin ASN Pemprov dipotong 50% setahun kalau petahana kalah di TPS kita. Ngeri bgt 😨")
p(18, "pa", "comment", "fb", "S", "formal",
  "Siap. Ingat juga surat Pak Sekda: jika di TPS tempat kita memilih Pak Sasongko kalah, tunjangan kinerja kita dipangkas separuh sepanjang 2025.",
  "Rekan-rekan, jangan lupa 27 November datang ke TPS.")
p(18, "pt", "comment", "fb", "S", "jawa",
  "Yo gumantung Pak Sasongko menang ora neng TPS-mu 😅 nek kalah yo separo.",
  "Tukin 2025 aman ra?")
p(18, "tr", "post", "bs", "S", "mixed_en",
  "FYI buat ASN Pemprov Banyu Langit: ada memo Sekda, kalau incumbent kalah di TPS kalian, tukin 2025 di-cut 50%. Not a joke.")
p(18, "pt", "comment", "x", "S", "casual",
  "wah tukin pegawai pemprov yg nyoblos di situ kepotong separo dong",
  "TPS 07 Kelurahan Tegalrejo hasilnya Sasongko kalah tipis")
p(18, "q", "comment", "fb", "A", "formal",
  "Izin bertanya, apakah surat Sekda tentang pemotongan tukin ini resmi? Nomornya tidak ada di e-office.",
  "Surat Sekda: tukin ASN Pemprov dipotong 50% di TPS yang petahana kalah")
p(18, "db", "share", "fb", "D", "formal",
  "Surat palsu. Kop dan nomor surat tidak terdaftar. Harap tidak disebarluaskan.",
  "HOAKS: Surat Sekda Banyu Langit Potong Tukin 50% Jika Petahana Kalah - telisikkabar.id")
p(18, "sa", "comment", "x", "D", "casual",
  "tukin dipotong kalo petahana kalah di TPS? sekalian aja mesin fingerprint nyocokin sidik jari di surat suara 🙄 surat bodong itu",
  "surat sekda: tukin dipotong 50% kalo petahana kalah di TPS kalian")
p(18, "sa", "comment", "fb", "S", "casual",
  "Iya percaya aja 'surat palsu', nanti pas tukin kepotong baru pada nangis. Yg nulis cek fakta kan bukan pegawai pemprov 🙄",
  "HOAKS: Surat Sekda Banyu Langit Potong Tukin 50% Jika Petahana Kalah - telisikkabar.id")
p(18, "st", "post", "fb", "U", "formal",
  "Pembayaran tukin ASN Pemprov Banyu Langit bulan Oktober dilakukan bersamaan dengan gaji, sesuai capaian kinerja di aplikasi e-kinerja.")

# ---- 19: larangan cuti Des-Jan (Hoaks)
p(19, "pt", "post", "fb", "S", "formal",
  "Agenda Pemdes Sukamaju bulan Desember: musdes RKPDes tanggal 5, penyaluran BLT tahap akhir tanggal 12, dan lomba kebersihan antar-RT. Bagi perangkat desa yang berstatus ASN, mohon tidak mengajukan cuti sampai Januari karena ada larangan dari KemenPANRB. Terima kasih.")
p(19, "pa", "comment", "fb", "S", "casual",
  "Kalau ASN jangan dulu pak, ada larangan ambil cuti akhir tahun sampai Januari, nanti dianggap mangkir",
  "Rencana mudik Natal ke Medan nih")
p(19, "sa", "comment", "tt", "D", "betawi",
  "Wkwk kagak boleh cuti ampe Januari? Terus yang mau kawinan gimane, disuruh nunda ampe Februari? Edaran ngarang aje itu mah, kagak ade dari KemenPANRB.",
  "Katenye ASN dilarang cuti Desember ampe Januari, ade edaran menteri")
p(19, "tr", "post", "fb", "S", "jawa",
  "Para rencang ASN, wonten edaran saking KemenPANRB: mboten kepareng mendhet cuti tahunan wiwit Desember ngantos Januari. Menawi tetep cuti, dipunanggep mboten mlebet tanpa keterangan.")
p(19, "pt", "comment", "x", "S", "casual",
  "Dilarang kan sampai Januari",
  "Ada yg mau ambil cuti akhir tahun?")
p(19, "pl", "like", "fb", "S", None, "",
  "Edaran KemenPANRB: ASN dilarang cuti tahunan Desember 2024-Januari 2025. Yang tetap cuti dihitung tidak masuk tanpa keterangan.")
p(19, "q", "comment", "fb", "A", "jawa",
  "Leres menika wonten larangan cuti Desember? Kula sampun ngajukaken cuti kangge mantu anak.",
  "Edaran KemenPANRB: ASN dilarang cuti tahunan Desember 2024-Januari 2025.")
p(19, "db", "share", "fb", "D", "casual",
  "Gak ada edaran kayak gitu, cuti tetap bisa sesuai aturan ya",
  "HOAKS: KemenPANRB Larang ASN Cuti Tahunan Desember-Januari - pojokverifikasi.net")
p(19, "db", "comment", "fb", "D", "formal",
  "Bagian kepegawaian sudah konfirmasi: edaran larangan cuti itu tidak ada. Pengajuan cuti tetap diproses seperti biasa sesuai ketentuan.",
  "Jadi kita gak boleh cuti sampai Januari ya? Ada edarannya katanya")
p(19, "st", "post", "ig", "U", "casual",
  "Alhamdulillah cuti 5 hari disetujui, akhirnya bisa pulang ke Banjarmasin peluk mama 🥹")

# ---- 20: 300 ASN dipecat pose dua jari wisuda (Salah)
p(20, "pa", "post", "fb", "S", "formal",
  "Ternyata sekarang gaya V di foto kelulusan anak pun bisa berujung sanksi berat bagi pegawai negeri. Kabarnya tiga ratus abdi negara di Jawa Barat sudah diberhentikan hanya karena foto semacam itu.")
p(20, "pa", "comment", "ig", "S", "casual",
  "Bu, hapus fotonya! Gaya peace begitu sudah bikin ratusan pegawai diberhentikan, gak peduli itu acara wisuda.",
  "Wisuda si sulung ✌️🎓")
p(20, "tr", "comment", "fb", "S", "sunda",
  "Ati-ati Bu, pose dua ramo ayeuna tiasa dipecat, tos 300 ASN di Jabar dipecat kusabab poto kitu.",
  "Poto wisuda putra, alhamdulillah")
p(20, "tr", "comment", "fb", "S", "jawa",
  "Ojo pose driji loro lho, senajan wisudan. Wis 300 ASN Jabar dipecat mergo foto ngono.",
  "Fotone wisudan Dimas wis dadi")
p(20, "pt", "comment", "x", "S", "casual",
  "Awas bu, udah 300 orang dipecat lho krn pose itu",
  "Foto keluarga lebaran kemarin, kompak pose peace")
p(20, "q", "comment", "x", "A", "casual",
  "Masa sih pose peace di wisuda kena sanksi? Kan ga ada hubungannya sama pemilu",
  "Hati2, pose dua jari pas wisuda anak bisa dipecat, sudah 300 ASN Jabar!")
p(20, "db", "comment", "fb", "D", "formal",
  "Informasi 300 ASN dipecat itu tidak benar. Pose di luar konteks pemilu tidak otomatis pelanggaran. Silakan baca penjelasan Lacak Fakta Priangan.",
  "Hati2, pose dua jari pas wisuda anak bisa dipecat, sudah 300 ASN Jabar!")
p(20, "sa", "comment", "x", "D", "casual",
  "300 ASN dipecat krn foto wisuda ✌️, besok giliran yg foto sama kelinci krn kupingnya dua 🐰 ya ampun hoaks",
  "ASN pose 2 jari di wisuda anak kena disiplin berat, 300 udah dipecat")
p(20, "st", "photo", "ig", "U", "casual",
  "Wisuda si bungsu, alhamdulillah cumlaude 🎓 bangga sekali nak\nAlt: Seorang ibu berseragam batik dan anaknya bertoga berfoto di depan gedung kampus, keduanya mengepalkan tangan")

# ---- 21: Bawaslu Watu Kencur 7 kasus (Benar)
p(21, "tc", "post", "fb", "U", "formal",
  "Bawaslu Watu Kencur telah meneruskan 7 kasus ASN yang berfoto dengan pose jari bersama paslon ke BKN. Sanksi akan diputuskan PPK setelah pemeriksaan. Mari jaga netralitas.")
p(21, "tc", "share", "fb", "U", "casual",
  "Nah kan, ini baru beneran. Hati2 ya rekan2",
  "Bawaslu Watu Kencur Teruskan 7 Kasus Foto ASN Berpose Jari dengan Paslon ke BKN")
p(21, "tc", "comment", "fb", "U", "jawa",
  "Iyo, Bawaslu Watu Kencur wis ngirim 7 kasus ASN foto pose driji karo paslon menyang BKN. Sanksine engko diputus PPK.",
  "Jare ono ASN kena kasus foto karo paslon?")
p(21, "tc", "like", "fb", "U", None, "",
  "Bawaslu Watu Kencur Teruskan 7 Kasus Foto ASN Berpose Jari dengan Paslon ke BKN, Sanksi di Tangan PPK")
p(21, "tc", "comment", "x", "U", "mixed_en",
  "7 kasus ASN pose jari with paslon udah diteruskan Bawaslu Watu Kencur ke BKN. Sanksi nanti by PPK after pemeriksaan.",
  "ada update kasus netralitas watu kencur?")
p(21, "st", "post", "fb", "U", "formal",
  "Bawaslu Watu Kencur mengimbau ASN tidak menghadiri kegiatan kampanye, termasuk di luar jam kerja dan pada hari libur.")

# ---- 22: sarung tangan (Satire)
p(22, "pa", "post", "ig", "S", "casual",
  "Serius ini, BKN wajibkan ASN pakai sarung tangan tebal kalau pegang HP selama kampanye biar gak kepencet like akun paslon. Ribet amat 😩")
p(22, "pl", "share", "ig", "S", "casual",
  "Aturan baru, tolong diteruskan ke grup kantor 🧤",
  "BKN Wajibkan ASN Pakai Sarung Tangan Saat Pegang HP Selama Masa Kampanye")
p(22, "tr", "comment", "fb", "S", "jawa",
  "Aturan BKN mas, ASN kudu nganggo kaos tangan nek nyekel HP pas kampanye ben ora kepencet like.",
  "Nyapo kowe nganggo kaos tangan neng kantor?")
p(22, "pl", "photo", "ig", "S", "casual",
  "Demi patuh aturan BKN yg baru, mulai hari ini pegang HP wajib pake sarung tangan sampai masa kampanye selesai. Ngetik laporan jd susah bgt 😩 #ASNNetral\nAlt: Tangan bersarung tangan wol tebal memegang ponsel di atas meja kerja kantor")
p(22, "q", "comment", "x", "A", "casual",
  "Ini beneran atau parodi sih? Kok lucu 😂",
  "BKN Wajibkan ASN Pakai Sarung Tangan Saat Pegang HP Selama Masa Kampanye")
p(22, "db", "comment", "ig", "D", "casual",
  "Itu akun parodi Humor ASN Garis Lucu, bukan BKN. Jangan sampai disebarin ke grup kantor sebagai aturan 😂",
  "BKN Wajibkan ASN Pakai Sarung Tangan Saat Pegang HP Selama Masa Kampanye")
p(22, "sa", "comment", "x", "D", "mixed_en",
  "next aturan BKN: ASN wajib pake helm pas scroll TikTok biar ga kena hoaks. lmao it's satire, calm down bapak2",
  "BKN wajibkan ASN pake sarung tangan pegang HP selama kampanye")
p(22, "db", "share", "fb", "D", "formal",
  "Satire, bukan aturan BKN.",
  "SATIRE: Aturan Sarung Tangan untuk ASN Berasal dari Akun Parodi - pojokverifikasi.net")
p(22, "st", "post", "md", "U", "formal",
  "BKN mengingatkan ASN agar bijak bermedia sosial selama masa kampanye, termasuk tidak memberi like atau komentar pada akun pemenangan pasangan calon.")

# ---- 23: kontrak BKN angkat honorer (Hoaks)
p(23, "pa", "post", "ig", "S", "casual",
  "Akhirnya ada calon yg berani hitam di atas putih. Pak Rusdi sama Bu Dedeh udah sepakat resmi sama Badan Kepegawaian, honorer se-Banyu Langit langsung jadi PNS tanpa seleksi kalau mereka terpilih 🙏")
p(23, "pa", "comment", "fb", "S", "religious",
  "Insya Allah aman, pasangan nomor dua sudah meneken perjanjian resmi dengan Badan Kepegawaian Negara supaya seluruh honorer diangkat PNS tanpa seleksi.",
  "Nasib honorer setelah pilkada gimana ya")
p(23, "tr", "comment", "fb", "S", "sunda",
  "Tos aya kontrak Pa Rusdi sareng BKN, upami meunang sadaya honorer diangkat PNS teu kedah tés.",
  "Kumaha nasib honorer saatos pilkada?")
p(23, "tr", "comment", "tt", "S", "mixed_en",
  "Rusdi-Dedeh literally signed a contract sama BKN, semua honorer jadi PNS tanpa tes kalau mereka menang. Big if true, and it is true.",
  "Paslon mana yg paling peduli honorer?")
p(23, "pt", "comment", "x", "S", "casual",
  "Honorer gak perlu tes lagi kalau no 2 menang, udh ada kontraknya sama BKN",
  "Tes CPNS 2025 kapan dibuka ya?")
p(23, "q", "comment", "fb", "A", "casual",
  "Emang BKN bisa bikin kontrak sama calon gubernur? Ada dokumennya gak?",
  "Paslon 2 Rusdi-Dedeh sudah tanda tangan kontrak dengan BKN: semua honorer diangkat PNS tanpa tes!")
p(23, "q", "comment", "x", "S", "casual",
  "Masih ragu sama paslon yang udah teken kontrak sama BKN buat angkat semua honorer jadi PNS? Kurang bukti apa lagi?",
  "honorer banyu langit, udah nentuin pilihan?")
p(23, "db", "share", "fb", "D", "formal",
  "BKN membantah. Pengangkatan ASN melalui seleksi nasional, bukan kontrak dengan calon.",
  "HOAKS: Rusdi-Dedeh Teken Kontrak dengan BKN Angkat Honorer Jadi PNS Tanpa Tes - telisikkabar.id")
p(23, "st", "post", "fb", "U", "formal",
  "Debat kedua Pilgub Banyu Langit malam ini membahas kesejahteraan tenaga honorer. Paslon nomor 1 dan nomor 2 akan menyampaikan programnya. Siaran di TV lokal pukul 19.00.")

# ---- 24: gaji 13 & THR dihapus (Hoaks)
p(24, "pl", "share", "ig", "S", "casual",
  "Sedih 😢",
  "INFO: Gaji ke-13 dan THR ASN 2025 DIHAPUS untuk menutup utang biaya Pilkada serentak.")
p(24, "pa", "post", "fb", "S", "formal",
  "Rekan-rekan, tahun ini kita tidak usah berharap THR maupun gaji ketiga belas. Kabarnya dana itu dialihkan pemerintah untuk melunasi biaya Pilkada serentak.")
p(24, "tr", "comment", "tt", "S", "jawa",
  "Ora ono THR karo gaji 13 taun iki, jare diapus kanggo nyaur utang Pilkada.",
  "THR taun iki cair kapan yo?")
p(24, "sa", "comment", "fb", "D", "banjar",
  "Ujar urang THR dihapus gasan bayar utang Pilkada 😂 Pilkada bautang lawan ASN kah? Hoaks tu pang, jangan dipercaya dangsanak.",
  "INFO: Gaji ke-13 dan THR ASN 2025 DIHAPUS untuk menutup utang biaya Pilkada serentak.")
p(24, "pt", "comment", "x", "S", "casual",
  "hemat bos, THR kan dihapus buat bayar pilkada",
  "rencana lebaran 2025 apa?")
p(24, "q", "comment", "bs", "A", "casual",
  "Ada yg tau sumber resminya? Dihapus beneran atau cuma pesan berantai?",
  "INFO: Gaji ke-13 dan THR ASN 2025 DIHAPUS untuk menutup utang biaya Pilkada serentak.")
p(24, "db", "share", "fb", "D", "formal",
  "Tidak ada keputusan penghapusan gaji ke-13 dan THR ASN 2025. Itu pesan berantai tanpa sumber.",
  "HOAKS: Gaji ke-13 dan THR ASN 2025 Dihapus untuk Biaya Pilkada - pojokverifikasi.net")
p(24, "sa", "comment", "fb", "D", "religious",
  "Masya Allah, pilkadanya sudah selesai November, utangnya baru dibayar pakai THR April? Logikanya dari mana bapak ibu. Tabayyun dulu sebelum sebar 🙏",
  "INFO: Gaji ke-13 dan THR ASN 2025 DIHAPUS untuk menutup utang biaya Pilkada serentak.")
p(24, "sa", "comment", "fb", "S", "casual",
  "Iya iya katanya 'hoaks', liat aja nanti pas April rekening kosong. Cek fakta mah enak, gajinya gak dihapus 🙄",
  "HOAKS: Gaji ke-13 dan THR ASN 2025 Dihapus untuk Biaya Pilkada - pojokverifikasi.net")
p(24, "st", "post", "fb", "U", "formal",
  "Bagian keuangan menginformasikan THR ASN akan dibayarkan sebelum Idulfitri setelah regulasinya terbit. Mohon pastikan data rekening di aplikasi gaji sudah benar.")

# ---- 25: video amplop Sasongko (Menyesatkan)
p(25, "pt", "comment", "x", "S", "casual",
  "Tenang dari mana, wong masih sempet bagi amplop kok 😏",
  "Sasongko Hadiprawiro: selama masa tenang saya beristirahat dan berdoa bersama keluarga")
p(25, "pa", "post", "fb", "S", "religious",
  "Di hari-hari tenang menjelang pencoblosan, justru calon gubernur petahana sendiri terekam menyerahkan amplop berisi uang kepada warga. Politik uang itu haram, semoga warga Banyu Langit tidak tergoda.")
p(25, "pt", "comment", "tt", "S", "jawa",
  "Kampanye opo, wingi masa tenang malah bagi-bagi amplop, ono videone.",
  "Pak Sasongko kampanye pungkasan piye?")
p(25, "tr", "comment", "tt", "S", "sunda",
  "Muhun, anjeunna ngabagikeun amplop artos ka warga dina masa tenang. Katingali pisan dina videona.",
  "Video Pa Sasongko viral euy")
p(25, "pt", "comment", "x", "S", "casual",
  "kondusif apanya, petahana bagi amplop kemarin ada videonya",
  "Bawaslu Banyu Langit: masa tenang kondusif")
p(25, "pl", "share", "fb", "S", "religious",
  "Astaghfirullah, semoga Allah melindungi kita dari pemimpin yang membeli suara.",
  "VIDEO: Sasongko Hadiprawiro Bagikan Amplop Uang ke Warga saat Masa Tenang")
p(25, "q", "comment", "tt", "A", "casual",
  "Videonya kok ada spanduk 'Santunan Anak Yatim Ramadhan'? Ini beneran masa tenang kemarin?",
  "VIDEO: Sasongko Hadiprawiro Bagikan Amplop Uang ke Warga saat Masa Tenang")
p(25, "db", "share", "fb", "D", "religious",
  "Tabayyun, saudaraku. Video itu santunan anak yatim Ramadan 2018. Jangan jadikan amal orang sebagai bahan fitnah.",
  "MENYESATKAN: Video Sasongko Bagi Amplop Bukan Saat Masa Tenang 2024 - kanaltabayyun.id")
p(25, "db", "comment", "yt", "D", "formal",
  "Video lama tahun 2018, saat santunan anak yatim. Sudah diverifikasi Kanal Tabayyun. Mohon tidak disebarkan ulang.",
  "Terekam! Cagub petahana bagi-bagi amplop pas masa tenang!")
p(25, "sa", "comment", "tt", "D", "mixed_en",
  "masa tenang November tapi spanduknya 'Ramadhan 1439 H' 💀 time travel politics. video lama bro",
  "petahana bagi amplop pas masa tenang, full video")
p(25, "st", "post", "fb", "U", "formal",
  "Bawaslu Banyu Langit mencatat 3 dugaan politik uang selama masa tenang dan sedang melakukan klarifikasi terhadap pelapor dan terlapor.")

# ---- 26: tak ikut apel dicoret DPT (Hoaks)
p(26, "pa", "post", "ig", "S", "casual",
  "Bapak ibu yg masih malas datang apel netralitas, dengar ya: kata pengawas pemilu, pegawai yg absen apel itu hak suaranya dicabut, namanya ilang dari daftar pemilih. Jadi mending dateng aja.")
p(26, "pa", "comment", "fb", "S", "formal",
  "Wajib hadir rekan-rekan, yang absen nanti namanya dihapus dari daftar pemilih dan tidak bisa memberikan suara di Pilkada.",
  "Apel ikrar netralitas besok jam 7 di alun-alun")
p(26, "tr", "comment", "tt", "S", "jawa",
  "Waduh, nek ra melu apel ikrar jenengmu dicoret seko DPT lho, ra iso nyoblos. Jare Bawaslu.",
  "Aku sesuk ora iso melu apel, anakku lara")
p(26, "tr", "comment", "fb", "S", "palembang",
  "Wajib nian, kalo dak datang namo kito dicoret dari DPT, dak pacak nyoblos.",
  "Apel ikrar besok wajib dak?")
p(26, "pt", "comment", "x", "S", "casual",
  "Siap2 ga bisa nyoblos ya pak 😅",
  "Besok saya izin ya, ga ikut apel ikrar netralitas")
p(26, "q", "comment", "fb", "A", "casual",
  "Masa sih gak ikut apel bisa hilang hak pilih? DPT kan urusan KPU, bukan Bawaslu",
  "Info dr Bawaslu: ASN yg gak ikut apel ikrar netralitas dicoret dr DPT!")
p(26, "db", "share", "fb", "D", "formal",
  "Hoaks. Hak pilih ASN tidak ada kaitannya dengan apel ikrar.",
  "HOAKS: ASN Tak Ikut Apel Ikrar Netralitas Dicoret dari DPT - telisikkabar.id")
p(26, "db", "like", "fb", "D", None, "",
  "Bawaslu Banyu Langit: Pesan berantai yang mengatasnamakan kami soal pencoretan ASN dari DPT adalah hoaks. ASN tetap memiliki hak pilih.")
p(26, "q", "comment", "fb", "S", "casual",
  "Masih mau bolos apel ikrar besok? Emang rela nama dicoret dari DPT trus gak bisa nyoblos?",
  "Apel ikrar netralitas besok jam 7, jangan lupa seragam Korpri")

# ---- no claim (None): same topic, no listed claim
p(None, "st", "post", "fb", "U", "formal",
  "Rakor persiapan logistik Pilkada bersama KPU dan Bawaslu di aula kecamatan, Kamis pukul 09.00. Mohon kehadiran seluruh kepala desa.")
p(None, "st", "post", "x", "U", "casual",
  "Anak saya pertama kali nyoblos, semangat banget bangun subuh 😄 #PemilihPemula")
p(None, "st", "comment", "x", "U", "jawa",
  "Wis cukup mas, matur nuwun. Mung kurang kopi karo gorengan 😁",
  "KPPS TPS 12 butuh konsumsi tambahan ora?")
p(None, "st", "photo", "ig", "U", "casual",
  "Ngajar kelas 6 hari ini tentang demokrasi, anak2 simulasi pemilihan ketua kelas ✌️ lucu2\nAlt: Murid SD antre memasukkan kertas ke kotak kardus bertuliskan KOTAK SUARA KELAS 6B")
p(None, "st", "post", "ig", "U", "religious",
  "Mari kita doakan Pilkada di Banyu Langit berjalan damai, siapa pun yang terpilih semoga amanah. Aamiin ya rabbal 'alamin.")
p(None, "st", "comment", "fb", "U", "sunda",
  "Alhamdulillah atos kamari, nuhun pisan doana.",
  "Tos nampi SK PPPK, Ceu?")
p(None, "st", "post", "fb", "U", "betawi",
  "Abis rapat netralitas ASN nih, pade diingetin jangan ikutan kampanye. Oke siap, ane netral dah. #ASNNetral")
p(None, "st", "share", "fb", "U", "casual",
  "Daftar pegawai pindah tugas bulan depan, cek nama masing2",
  "Pengumuman BKPSDM: Mutasi Jabatan Fungsional Guru Periode Januari 2025")
