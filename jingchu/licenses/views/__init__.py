"""Pages of 电子证照: the holder's wallet (我的证照), the issuing staff's pages, and the public
verification page that a licence's QR code leads to."""
