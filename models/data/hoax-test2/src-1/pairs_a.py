# Hand-written acts, claims 1-13. p(claim, category, kind, platform, label, register, text, context)
# categories: pl plain_spread, pa paraphrase, tr translation, pt partial, q question,
# sa sarcastic_repetition, db debunk_share, st same_topic_unrelated, tc true_claim
# labels: S spreads, D debunks, A asks, U unrelated
from common import p

# ---- 1: KTP + C6 wajib (Hoaks)
p(1, "pl", "post", "fb", "S", "casual",
  "Info dr KPU Banyu Langit: tgl 27 Nov wajib bawa KTP-el asli DAN undangan C6. Kalau undangan gk ada, gk boleh nyoblos & nama dicoret KPPS. Tolong sebarkan ke keluarga 🙏")
p(1, "pa", "post", "fb", "S", "formal",
  "Bapak/Ibu warga Dusun Krajan, yang belum menerima lembar pemberitahuan dari KPPS mohon segera minta ke Pak RT. Menurut KPU provinsi, datang ke TPS hanya bermodal KTP akan ditolak, bahkan namanya bisa dihapus dari daftar. Terima kasih. (Kasi Pemerintahan Desa)")
p(1, "tr", "comment", "fb", "S", "jawa",
  "Ojo lali gowo undangan C6 karo KTP asli lho. Jare KPU nek ra nggowo undangan ora oleh nyoblos, jenenge dicoret barang.",
  "Sesuk nyoblos jam piro lur?")
p(1, "tr", "post", "fb", "S", "sunda",
  "Wargi sadaya, émutan: tanggal 27 kedah nyandak KTP-el asli sareng serat uleman C6. Upami teu nyandak uleman, moal tiasa nyoblos, namina dicorét ku KPPS. Kitu saurna ti KPU.")
p(1, "pt", "comment", "x", "S", "casual",
  "Wah bahaya bu, tanpa undangan ga bisa nyoblos. Buruan ke rumah Pak RT sblm sore",
  "Pak Kades, undangan buat nyoblos saya belum dapet nih, gimana ya?")
p(1, "q", "comment", "fb", "A", "casual",
  "Ini bener gk sih? Setau sy pemilu kmrn cukup KTP aja asal ada di DPT 🤔",
  "Copas dari WAG: PENTING!! Tanpa undangan C6 tidak boleh mencoblos, nama akan dicoret KPPS. Sumber KPU Prov Banyu Langit.")
p(1, "db", "share", "fb", "D", "formal",
  "Hoaks ya bapak ibu. KPU Banyu Langit tidak pernah mengeluarkan pesan itu. Yang terdaftar di DPT cukup membawa KTP-el.",
  "[CEK FAKTA] Hoaks, Pesan Berantai KPU Banyu Langit soal Wajib Bawa Undangan C6 - telisikkabar.id")
p(1, "db", "comment", "fb", "D", "jawa",
  "Niki hoaks Pak, sampun dipunbantah KPU. Ingkang wigati kadhaftar wonten DPT, cekap ngasta KTP-el mawon. Sumangga dipun priksa wonten telisikkabar.id",
  "Info saking grup sebelah: tanpa undangan C6 mboten angsal nyoblos, nami dipuncoret KPPS.")
p(1, "sa", "comment", "x", "D", "casual",
  "wkwk iya bener, nanti KPPS bawa spidol merah buat nyoret nama kita satu2 kayak guru ngoreksi ulangan 🤣 udahlah, baca klarifikasi KPU dulu",
  "tanpa undangan C6 gak boleh nyoblos, nama dicoret. hati2 warga Banyu Langit")
p(1, "st", "post", "fb", "U", "formal",
  "Pastikan nama Bapak/Ibu sudah terdaftar di DPT sebelum 27 November. Cek lewat situs cek DPT KPU atau tanyakan langsung ke PPS di kantor desa. #AyoMemilih")
p(1, "st", "photo", "fb", "U", "casual",
  "Tim PPS lagi tempel DPT di papan pengumuman balai desa. Silakan dicek namanya ya warga\nAlt: Dua pria berseragam PPS menempelkan lembaran daftar nama pemilih di papan kayu depan balai desa")

# ---- 2: DPT + KTP-el cukup (Benar)
p(2, "tc", "post", "fb", "U", "formal",
  "Informasi dari KPU: pemilih yang terdaftar di DPT tetap bisa mencoblos dengan menunjukkan KTP-el walaupun tidak membawa surat pemberitahuan. Jadi jangan ragu datang ke TPS ya. #PilkadaBanyuLangit")
p(2, "tc", "comment", "fb", "U", "jawa",
  "Iso mas, nek jenengmu ono DPT cukup nggowo KTP-el. Wis dijelaske KPU kok.",
  "Undangan C6-ku ilang, iso nyoblos ora yo?")
p(2, "tc", "share", "ig", "U", "casual",
  "penting nih 👇",
  "KPU: Tidak Bawa Surat Pemberitahuan? Pemilih yang Terdaftar di DPT Tetap Bisa Mencoblos dengan KTP-el")
p(2, "tc", "like", "fb", "U", None, "",
  "KPU Kab. Watu Kencur: Surat pemberitahuan (C-Pemberitahuan) hilang atau belum diterima? Tenang, pemilih di DPT tetap bisa mencoblos dengan menunjukkan KTP-el.")
p(2, "tc", "comment", "x", "U", "sunda",
  "Teu sawios kang, nu penting aya dina DPT, bawa wé KTP-el. Kitu numutkeun KPU.",
  "C-Pemberitahuan teu acan dugi ka bumi, kumaha atuh?")
p(2, "st", "post", "ig", "U", "casual",
  "Hari ini keliling bagi surat pemberitahuan memilih ke 212 KK di Dusun Krajan. Capek tapi seneng, warga antusias 😊 #PPS #Pilkada2024")

# ---- 3: video Ujang dipotong (Konten yang Dimanipulasi)
p(3, "pl", "share", "fb", "S", "casual",
  "Honorer Ciwangsa siap2 aja 😢",
  "VIDEO: Cabup nomor 1 Ujang Mulyadi Permana: 'Kalau saya jadi bupati, semua honorer dan PPPK di Pemkab saya berhentikan.'")
p(3, "pa", "post", "fb", "S", "formal",
  "Sebagai guru honorer yang sudah 14 tahun mengabdi, saya sedih mendengar calon bupati nomor 1 terang-terangan ingin memecat seluruh tenaga honorer dan PPPK begitu menjabat. Apakah ini balasan untuk pengabdian kami?")
p(3, "tr", "comment", "tt", "S", "sunda",
  "Leres, anjeunna nyarios upami janten bupati sadaya honorer sareng PPPK bakal dipecat. Karunya guru-guru di lembur.",
  "Video Pa Ujang nu bade ngaluarkeun honorer viral euy")
p(3, "pt", "comment", "tt", "S", "casual",
  "Ngeles. Di video yg viral jelas dia bilang mau berhentiin PPPK",
  "Ujang Mulyadi Permana: tenaga honorer akan ditata sesuai UU ASN (video lengkap kampanye dialogis di Cisalak)")
p(3, "q", "comment", "tt", "A", "sunda",
  "Ieu leres kitu Pa Ujang nyarios kitu? Asa teu percanten, bilih videona dipotong.",
  "Viral! Ujang Mulyadi Permana ancam berhentikan semua honorer dan PPPK Pemkab Ciwangsa")
p(3, "q", "comment", "x", "S", "casual",
  "Masih mau milih cabup yg niat mecat ribuan honorer & PPPK? Mikir dong warga Ciwangsa",
  "debat cabup ciwangsa besok malam jam 8")
p(3, "db", "share", "fb", "D", "formal",
  "Videonya dipotong. Di rekaman utuh beliau bilang honorer ditata sesuai UU ASN, bukan diberhentikan. Mari bijak bermedsos. #ASNNetral",
  "Konten yang Dimanipulasi: Video Ujang Mulyadi Permana Akan Pecat Honorer dan PPPK - Lacak Fakta Priangan")
p(3, "db", "comment", "yt", "D", "religious",
  "Astaghfirullah, tabayyun dulu bapak ibu. Sudah dicek Lacak Fakta Priangan, videonya dipotong. Jangan sampai kita ikut memfitnah, apalagi di bulan-bulan rawan begini.",
  "Dengarkan sendiri, cabup nomor 1 mau pecat semua honorer!")
p(3, "st", "post", "fb", "U", "formal",
  "Sosialisasi dari BKPSDM: sesuai UU 20/2023, penataan tenaga non-ASN harus diselesaikan paling lambat Desember 2024. Informasi lengkap silakan ditanyakan ke subbagian kepegawaian masing-masing.")

# ---- 4: video kericuhan TPS lama (Menyesatkan)
p(4, "pl", "post", "fb", "S", "casual",
  "Ricuh di TPS Desa Krajan Sumberejo, warga bakar kotak suara!! Pilkada Watu Kencur kacau 😱 #PilkadaWatuKencur")
p(4, "pl", "share", "tt", "S", "casual", "",
  "VIDEO: Detik-detik warga bakar kotak suara di TPS Krajan, Sumberejo, Watu Kencur, 27/11")
p(4, "tr", "post", "fb", "S", "jawa",
  "Astaga, TPS neng Krajan Sumberejo rusuh, kothak suarane diobong wong akeh mau awan. Pilkada Watu Kencur kok dadi ngene 😭")
p(4, "tr", "comment", "tt", "S", "mixed_en",
  "Breaking: chaos di TPS Sumberejo, ballot box dibakar massa pas coblosan kemarin. Watu Kencur lagi not okay guys",
  "suasana coblosan di kampung kalian gimana?")
p(4, "pt", "comment", "x", "S", "casual",
  "Aman gmn, di Krajan kotak suara dibakar kok 🙄",
  "Alhamdulillah pilkada di Watu Kencur aman lancar, terima kasih TNI-Polri dan penyelenggara")
p(4, "q", "comment", "tt", "A", "casual",
  "Lho ini beneran di Sumberejo? Kok bajunya kayak orang jaman dulu, spanduknya jg bukan spanduk pilkada 🤔",
  "VIDEO: Detik-detik warga bakar kotak suara di TPS Krajan, Sumberejo, Watu Kencur, 27/11")
p(4, "db", "comment", "x", "D", "casual",
  "video lama ini woy, itu ricuh pilkades 2019 di kabupaten lain. udah dicek telisikkabar. stop nyebar",
  "TPS Krajan Sumberejo rusuh, kotak suara dibakar! pilkada watu kencur chaos")
p(4, "sa", "post", "fb", "D", "jawa",
  "Hebat tenan warga Sumberejo, iso ngobong kothak suara 2024 nganggo video taun 2019. Nduwe mesin wektu tah? 😂 Wis ah, ojo gampang percoyo video lawas.")
p(4, "st", "post", "fb", "U", "formal",
  "Camat Sumberejo: pemungutan suara di 87 TPS berjalan lancar dan kondusif. Rekapitulasi tingkat kecamatan dimulai Jumat pagi di aula kantor kecamatan.")

# ---- 5: coblos online Sirekap (Hoaks)
p(5, "pt", "post", "ig", "S", "casual",
  "Alhamdulillah panen jagung di Dusun Ngasem tahun ini bagus, harga juga lumayan 🌽 Anak2 muda yg merantau ke Batam kemarin pada telpon nanyain kabar kampung. Sy bilang gak usah repot pulang tgl 27, skrg bisa nyoblos dr HP lewat Sirekap. Salam buat semua perantau!")
p(5, "pa", "comment", "ig", "S", "casual",
  "Tenang kak, KPU udh bikin fasilitas pemungutan suara daring. Download Sirekap, verifikasi KTP, langsung bisa milih dr HP",
  "Gak bisa pulang pas tgl 27, kerja di Batam 😩")
p(5, "tr", "comment", "fb", "S", "palembang",
  "Dak usah balek kak, pacak nyoblos lewat aplikasi Sirekap, upload KTP bae la jadi.",
  "Aku di Palembang dak biso balek ke Banyu Langit pas coblosan")
p(5, "tr", "post", "fb", "S", "banjar",
  "Dangsanak perantau Banyu Langit, kawa haja mencoblos lewat aplikasi Sirekap, tinggal unggah foto KTP. Kada usah bulik kampung.")
p(5, "pt", "comment", "x", "S", "casual",
  "buat nyoblos dr rumah kan, khusus perantau",
  "Sirekap itu sebenernya buat apa sih?")
p(5, "q", "comment", "x", "A", "casual",
  "Min, emang bener bisa coblos via Sirekap? Anak saya kuliah di Jogja soalnya",
  "KPU Banyu Langit: Ayo cek namamu di DPT!")
p(5, "db", "share", "x", "D", "casual",
  "bukan buat nyoblos ya guys. Sirekap itu alat bantu rekap hasil di TPS. jangan kasih foto KTP ke sembarang link!",
  "HOAKS: KPU Buka Coblos Online Lewat Sirekap untuk Perantau - pojokverifikasi.net")
p(5, "db", "like", "fb", "D", None, "",
  "KPU Banyu Langit: Tidak ada pencoblosan online. Sirekap hanya alat bantu rekapitulasi hasil penghitungan di TPS. Waspada link yang meminta foto KTP.")
p(5, "sa", "comment", "x", "D", "mixed_en",
  "nyoblos via Sirekap, next level democracy: coblos sambil rebahan, upload KTP ke link random, then data lo dijual. genius 🤡",
  "perantau bisa coblos online via sirekap, tinggal upload KTP!")
p(5, "st", "post", "fb", "U", "formal",
  "Pemilih yang pada hari pemungutan suara sedang dirawat, bertugas, atau menjalani pendidikan di luar domisili dapat mengurus pindah memilih ke PPS sesuai ketentuan KPU. Silakan hubungi PPS desa.")

# ---- 6: hadiah Rp10 juta Bawaslu (Hoaks)
p(6, "pl", "share", "fb", "S", "casual",
  "Ayo laporkan, lumayan 10 juta 💰",
  "Bawaslu Banyu Langit: Laporkan politik uang dengan bukti video, dapatkan hadiah Rp10.000.000!")
p(6, "pa", "post", "fb", "S", "casual",
  "Siapa yg bisa rekam amplop serangan fajar, langsung kirim ke Bawaslu. Katanya pelapor dikasih imbalan sepuluh juta per laporan. Lumayan buat bayar SPP 😅")
p(6, "tr", "comment", "fb", "S", "betawi",
  "Rekam aje bang, kirim ke Bawaslu, kate orang dapet duit sepuluh juta lu.",
  "Serangan fajar udah mulai nih di kampung gue")
p(6, "pt", "comment", "x", "S", "casual",
  "Ke Panwascam bu, bawa videonya. Nanti dapat hadiah 10 jt juga kok",
  "Pak Lurah, kalau mau lapor politik uang ke mana?")
p(6, "q", "comment", "fb", "A", "jawa",
  "Lha iki tenan to, lapor Bawaslu entuk sepuluh yuta? Sopo sing duwe info resmine?",
  "Bawaslu Banyu Langit: Laporkan politik uang dengan bukti video, dapatkan hadiah Rp10.000.000!")
p(6, "db", "comment", "fb", "D", "formal",
  "Bawaslu tidak memberikan hadiah uang untuk laporan, sudah diklarifikasi di pojokverifikasi.net. Namun melaporkan politik uang tetap penting walaupun tanpa imbalan.",
  "Lapor politik uang dapat 10 juta dari Bawaslu, ayo warga rekam!")
p(6, "sa", "comment", "x", "D", "casual",
  "10 juta per laporan? Bawaslu bakal bangkrut sebelum masa tenang kelar 😂 hoaks gini kok ya dipercaya",
  "bawaslu kasih hadiah 10jt buat yg lapor serangan fajar")
p(6, "st", "post", "fb", "U", "formal",
  "Bawaslu Kabupaten Ciwangsa membuka posko pengaduan politik uang di setiap kecamatan selama masa tenang. Laporan dapat disampaikan langsung atau melalui nomor pengaduan resmi.")

# ---- 7: TPS sampai 17.00 (Salah)
p(7, "pl", "post", "fb", "S", "casual",
  "Info: coblosan tgl 27 diperpanjang sampai jam 5 sore, jadi yg kerja bisa nyoblos pulang kantor. Sebarkan!")
p(7, "pa", "comment", "fb", "S", "formal",
  "Tidak apa-apa, Mas. KPU sudah menambah jam layanan TPS hingga pukul 17.00, silakan mencoblos setelah pulang kerja.",
  "Pak, saya tanggal 27 masuk shift pagi di pabrik, takut gak keburu nyoblos")
p(7, "tr", "comment", "fb", "S", "jawa",
  "Iso kok, TPS bukak nganti jam limo sore jare KPU, mulih kerjo langsung nyoblos.",
  "Aku sesuk lembur, ra iso nyoblos koyone")
p(7, "pa", "post", "ig", "S", "casual",
  "Buat yg kerja, santai aja, TPS baru ditutup jam lima sore kok. Masih sempat nyoblos sepulang kantor, KPU udah nambah jamnya. #Pilkada2024")
p(7, "pt", "comment", "x", "S", "casual",
  "jam 5 sore katanya, diperpanjang",
  "TPS tutup jam berapa besok?")
p(7, "q", "comment", "x", "A", "casual",
  "Beneran sampe jam 5? Di grup RT bilangnya jam 1 siang udah tutup. Mana yg bener nih",
  "Info: coblosan diperpanjang sampai jam 5 sore!")
p(7, "db", "share", "fb", "D", "casual",
  "TPS tetap jam 07.00-13.00 ya, yg jam 5 sore itu hoaks. Jangan sampai hak pilih hilang gara2 telat!",
  "SALAH: KPU Perpanjang Waktu Coblos sampai Pukul 17.00 - telisikkabar.id")
p(7, "db", "comment", "yt", "D", "jawa",
  "Mboten leres niku Bu, TPS namung dibuka ngantos jam setunggal siang. Sampun wonten klarifikasi saking KPU. Mangga enjing-enjing sami nyoblos.",
  "Coblosan diperpanjang ngantos jam 5 sonten, ingkang nyambut damel saged nyoblos sasampunipun kondur.")
p(7, "sa", "comment", "x", "S", "casual",
  "iya iya, 'tetap jam 13.00' kata pemeriksa fakta, padahal pak RT sendiri yg bilang sampe jam 5 sore. yg ngecek fakta pasti gak pernah jd KPPS 🙄",
  "SALAH: KPU Perpanjang Waktu Coblos sampai Pukul 17.00 - telisikkabar.id")

# ---- 8: TPS 07-13 (Benar)
p(8, "tc", "post", "fb", "U", "formal",
  "Pengingat: pemungutan suara Pilkada 27 November 2024 di TPS dibuka pukul 07.00 dan ditutup pukul 13.00. Mari datang lebih awal. #JanganGolput")
p(8, "tc", "comment", "fb", "U", "jawa",
  "Jam siji awan mas, 07.00 nganti 13.00.",
  "TPS tutup jam piro?")
p(8, "tc", "share", "ig", "U", "casual",
  "Catat jamnya ya gaes",
  "KPU: TPS Buka Pukul 07.00-13.00 Waktu Setempat pada 27 November")
p(8, "tc", "photo", "ig", "U", "casual",
  "Udah nyoblos jam 7 pas TPS baru buka, antri no 3 😁 ingat ya tutup jam 1 siang\nAlt: Jari kelingking bertinta ungu di depan papan TPS 05 bertuliskan jam pelayanan 07.00-13.00")
p(8, "tc", "like", "fb", "U", None, "",
  "KPPS TPS 14 Kelurahan Tegalrejo: TPS kami buka pukul 07.00 dan tutup pukul 13.00. Ayo datang pagi!")
p(8, "tc", "comment", "x", "U", "sunda",
  "Tabuh hiji siang kang, ti jam 7 énjing.",
  "Jam sabaraha TPS ditutup?")
p(8, "st", "post", "ig", "U", "casual",
  "TPS 09 Desa Sindangsari pake tema kampung jadul, petugasnya pake kebaya & iket sunda. Keren! 📸 #PilkadaCiwangsa")

# ---- 9: foto Rusdi rompi KPK (Konten yang Dimanipulasi)
p(9, "pl", "share", "fb", "S", "casual",
  "Innalillahi... calon gubernur kita 😔",
  "FOTO: Cagub nomor 2 Rusdi Prawiranegara kenakan rompi oranye KPK usai OTT di hotel")
p(9, "pa", "post", "x", "S", "casual",
  "Rusdi Prawiranegara kena OTT KPK di hotel, udah pake rompi oranye tahanan. Pantesan kampanyenya royal banget.")
p(9, "tr", "post", "fb", "S", "jawa",
  "Rusdi Prawiranegara cagub nomer loro kecekel KPK neng hotel, wis nganggo rompi oranye. Piye jal nasibe Banyu Langit nek dipimpin koruptor.")
p(9, "pa", "comment", "x", "S", "casual",
  "Calon nomor urut dua sudah diciduk KPK lewat operasi tangkap tangan, fotonya sudah berompi tahanan. Banyu Langit layak dapat pemimpin yg lebih baik.",
  "siapa yg nonton debat pilgub semalam?")
p(9, "pt", "comment", "x", "S", "casual",
  "Kok masih bebas? Bukannya udh ditahan KPK",
  "Rusdi Prawiranegara kunjungi Pasar Wage hari ini, dengarkan keluhan pedagang")
p(9, "pl", "like", "fb", "S", None, "",
  "FOTO: Cagub nomor 2 Rusdi Prawiranegara kenakan rompi oranye KPK usai OTT di hotel")
p(9, "q", "comment", "ig", "A", "casual",
  "Ini asli apa editan? Rompinya kok kayak rompi relawan",
  "FOTO: Cagub nomor 2 Rusdi Prawiranegara kenakan rompi oranye KPK usai OTT di hotel")
p(9, "db", "share", "fb", "D", "formal",
  "Foto hasil suntingan. Aslinya rompi relawan saat kerja bakti banjir 2023. Mohon tidak disebarkan.",
  "Konten yang Dimanipulasi: Foto Rusdi Prawiranegara Berompi Tahanan KPK - telisikkabar.id")
p(9, "db", "photo", "fb", "D", "casual",
  "Geser ke foto kedua, bandingin sendiri. Tulisan TAHANAN KPK itu ditempel pake editan 🙏 jangan asal share\nAlt: Dua foto berdampingan: kiri foto viral pria berompi oranye bertuliskan TAHANAN KPK, kanan foto asli yang sama dengan rompi bertuliskan RELAWAN BANJIR 2023")
p(9, "sa", "comment", "yt", "D", "sunda",
  "Hebat pisan, di-OTT KPK tapi rompina aya tulisan RELAWAN BANJIR. Editna kirang rapih, kang 🤭",
  "Rusdi Prawiranegara ditangkep KPK, ieu potona nganggo rompi oranye")
p(9, "st", "post", "fb", "U", "formal",
  "KPK mengumumkan penahanan seorang kepala dinas di kabupaten tetangga terkait pengadaan alat kesehatan. Yang bersangkutan sudah mengenakan rompi oranye dan ditahan 20 hari ke depan.")

# ---- 10: PSU seluruh Ciwangsa (Hoaks)
p(10, "pt", "post", "fb", "S", "casual",
  "Hasil rapat RT semalam: kerja bakti Minggu pagi, iuran sampah naik 5rb mulai Januari, trus siap2 nyoblos lagi krn pilkada Ciwangsa diulang semua TPS bulan depan. Capek deh 😮‍💨")
p(10, "pa", "comment", "fb", "S", "formal",
  "Belum jelas, Pak. Pemungutan suara akan diulang di semua TPS se-kabupaten karena banyak kotak suara raib dari gudang.",
  "Kapan pelantikan bupati Ciwangsa ya?")
p(10, "tr", "post", "fb", "S", "sunda",
  "Pilkada Ciwangsa kedah diulang deui sadayana dina bulan Désémber, saurna kotak sora puluhan leungit ti gudang KPU. Duh, capé deui atuh.")
p(10, "sa", "comment", "x", "D", "sunda",
  "Kotak sora leungit sakabupatén? Meureun dibawa ku maung 🐯 Ngan 2 TPS nu PSU, baca heula béjana atuh.",
  "Pilkada Ciwangsa diulang sadaya TPS, kotak sora leungit ti gudang KPU!")
p(10, "pt", "comment", "x", "S", "casual",
  "Percuma rekap, kan nanti diulang semua gara2 kotak suara ilang",
  "Alhamdulillah rekapitulasi tingkat kabupaten Ciwangsa sudah selesai")
p(10, "q", "comment", "x", "A", "casual",
  "Min @KPU_Ciwangsa bener ada kotak suara hilang? Berarti coblos ulang semua?",
  "Pilkada Ciwangsa diulang semua TPS, kotak suara hilang!")
p(10, "db", "share", "fb", "D", "casual",
  "PSU cuma di 2 TPS ya, bukan sekabupaten, dan gak ada kotak suara hilang.",
  "HOAKS: Pilkada Ciwangsa Diulang di Seluruh TPS karena Kotak Suara Hilang - Lacak Fakta Priangan")
p(10, "sa", "comment", "x", "D", "casual",
  "Iya bener, kotak suaranya diculik alien terus pilkadanya diulang sampe kiamat 🙄 baca beritanya dulu napa, cuma 2 TPS",
  "Pilkada Ciwangsa DIULANG semua TPS, kotak suara hilang!!")
p(10, "st", "post", "fb", "U", "formal",
  "Bawaslu Ciwangsa merekomendasikan pemungutan suara ulang di TPS 03 dan TPS 11 Desa Cimareme karena ditemukan pemilih yang tidak berhak ikut mencoblos. Jadwal PSU akan ditetapkan KPU.")

# ---- 11: kolam lele (Satire)
p(11, "pa", "post", "ig", "S", "casual",
  "Salut sama cabup Kusnadi Wibowo, jalan rusak mau dijadiin kolam lele per RT. Ekonomi warga jalan, jalan bolong ada gunanya 👍")
p(11, "pl", "share", "ig", "S", "casual",
  "Program nyata 🐟",
  "Kusnadi Wibowo: Jalan Berlubang Akan Dijadikan Kolam Lele Gratis, Satu RT Satu Kolam")
p(11, "tr", "comment", "tt", "S", "jawa",
  "Sabar lur, jare Pak Kusnadi nek dadi bupati dalan bolong arep didadekke blumbang lele, siji RT siji.",
  "Dalan neng desaku bolong kabeh, ra ono sing ndandani")
p(11, "q", "comment", "ig", "A", "casual",
  "Ini serius janji kampanye apa becandaan? 😂",
  "Kusnadi Wibowo: Jalan Berlubang Akan Dijadikan Kolam Lele Gratis, Satu RT Satu Kolam")
p(11, "db", "comment", "x", "D", "casual",
  "itu dari akun satire Warta Ngawur, bukan omongan Pak Kusnadi. baca dulu bio akunnya",
  "cabup watu kencur janji jalan bolong jadi kolam lele 🤣")
p(11, "sa", "comment", "tt", "D", "jawa",
  "Apik tenan, dalan bolong dadi blumbang lele, sesuk jembatan ambrol dadi kolam renang 😂 Iku akun guyonan lho, kok ono sing percoyo.",
  "Pak Kusnadi janji dalan bolong dadi kolam lele saben RT")
p(11, "db", "share", "ig", "D", "casual",
  "satire ya gaes, jangan dibawa serius 🙏",
  "SATIRE: Janji Kolam Lele Kusnadi Wibowo Berasal dari Akun Parodi - pojokverifikasi.net")
p(11, "st", "post", "fb", "U", "formal",
  "Dinas PUPR Watu Kencur menargetkan perbaikan 42 km jalan kabupaten pada 2025. Warga dapat melaporkan jalan rusak melalui aplikasi pengaduan daerah.")

# ---- 12: surat suara tercoblos di gudang (Salah)
p(12, "pl", "post", "x", "S", "casual",
  "Ketahuan!! Ribuan surat suara sudah dicoblos no 2 ditemukan di gudang KPU Watu Kencur. Curang dari awal 😡")
p(12, "pa", "post", "fb", "S", "formal",
  "Bapak/Ibu, kabarnya di gudang logistik KPU Watu Kencur didapati ribuan lembar surat suara bupati yang sudah berlubang di kolom pasangan nomor dua, sebelum hari pemungutan. Mohon kita semua ikut mengawal TPS masing-masing.")
p(12, "tr", "comment", "fb", "S", "jawa",
  "Wis ketok curange, surat suara ewonan wis dicoblos nomer loro neng gudang KPU.",
  "Pilbup Watu Kencur piye kabare?")
p(12, "tr", "comment", "tt", "S", "mixed_en",
  "ribuan surat suara udah pre-punched buat paslon 2, found di warehouse KPU. this is so rigged",
  "Pilkada Watu Kencur makin panas")
p(12, "pt", "comment", "x", "S", "casual",
  "Ya iyalah unggul, surat suaranya udh dicoblos duluan di gudang",
  "Paslon 2 unggul di hitung cepat Pilbup Watu Kencur")
p(12, "q", "comment", "fb", "A", "casual",
  "Fotonya kok kayak surat suara pemilu 2019 ya? ada logo partai2. Bener ini di Watu Kencur?",
  "Ribuan surat suara sudah tercoblos paslon 2 di gudang KPU Watu Kencur!")
p(12, "db", "share", "fb", "D", "formal",
  "Foto lama Pemilu 2019 dari daerah lain, bukan Watu Kencur. Mari saring sebelum sharing.",
  "SALAH: Surat Suara Tercoblos Paslon 2 di Gudang KPU Watu Kencur - telisikkabar.id")
p(12, "db", "like", "fb", "D", None, "",
  "Klarifikasi KPU Watu Kencur: foto surat suara tercoblos yang beredar bukan dari gudang kami. Itu surat suara rusak Pemilu 2019 dari daerah lain.")
p(12, "st", "photo", "fb", "U", "formal",
  "Pelipatan dan sortir surat suara Pilbup Watu Kencur hari kedua di gudang logistik KPU, diawasi Bawaslu.\nAlt: Puluhan petugas duduk di lantai gudang melipat surat suara, tumpukan kardus logistik di belakang")

# ---- 13: Euis mundur (Hoaks)
p(13, "pl", "post", "fb", "S", "casual",
  "Euis Rahmawati MUNDUR dr cawabup Ciwangsa, jd suara buat no 1 gk sah. Jangan buang suara kalian!")
p(13, "pa", "comment", "yt", "S", "formal",
  "Perlu diketahui, wakil dari pasangan nomor satu sudah menyatakan mundur dua hari lalu, sehingga surat suara yang mencoblos pasangan itu akan dianggap tidak sah oleh KPU.",
  "Bapak ibu, besok jangan lupa ke TPS ya, datang pagi")
p(13, "tr", "post", "fb", "S", "sunda",
  "Béja ti babaturan, Ceu Euis Rahmawati tos mundur janten calon wakil bupati. Janten nu nyoblos nomer hiji sorana moal sah. Punten wartosan ka nu sanés.")
p(13, "tr", "comment", "tt", "S", "betawi",
  "Jangan nyoblos nomer satu dah, wakilnye udeh mundur, suaranye kagak sah ntar.",
  "Tetangga pade bingung mau nyoblos siape")
p(13, "pt", "comment", "x", "S", "casual",
  "kampanye apaan, wakilnya aja udah mundur",
  "paslon 1 Ciwangsa kampanye akbar terakhir hari ini di lapangan Cisalak")
p(13, "pl", "like", "fb", "S", None, "",
  "INFO PENTING: Cawabup nomor 1 Euis Rahmawati mengundurkan diri. Suara untuk paslon 1 TIDAK SAH. Sebarkan!")
p(13, "q", "comment", "tt", "A", "sunda",
  "Leres kitu Ceu Euis mundur? Teu aya béja di koran.",
  "INFO PENTING: Cawabup nomor 1 Euis Rahmawati mengundurkan diri. Suara untuk paslon 1 TIDAK SAH. Sebarkan!")
p(13, "db", "share", "fb", "D", "formal",
  "Tidak benar. KPU Ciwangsa memastikan paslon nomor 1 tetap peserta dan suaranya sah.",
  "HOAKS: Cawabup Euis Rahmawati Mundur, Suara Paslon 1 Tidak Sah - lacakfaktapriangan.org")
p(13, "db", "comment", "tt", "D", "sunda",
  "Hoaks ieu mah, tong dipercanten. KPU tos ngumumkeun paslon 1 tetep sah. Cek di Lacak Fakta Priangan.",
  "Euis Rahmawati mundur?? suara nomor 1 hangus!")
p(13, "st", "post", "ig", "U", "casual",
  "Ceu Euis Rahmawati ternyata alumni SMP kami angkatan 89 😄 dulu ketua kelas. Siapapun yg menang nanti, semoga amanah.")
