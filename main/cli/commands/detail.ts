import { installDetail } from '../../deca/detail-store';
import { CliUsageError, EXIT, type CliCommand } from '../cli-command';

/** `deca-studio detail install <E_detail.onnx> <D_detail.onnx> --uv head_template.obj --mask uv_face_eye_mask.png [--fixed fixed_displacement_256.npy]` */
export const detailInstallCommand: CliCommand = {
  name: 'detail install',
  summary: "Install DECA's detail networks converted to ONNX (native-models/deca/convert_deca_detail.py) with DECA's UV data files",
  usage: 'detail install <deca-detail-encoder.onnx> <deca-detail-decoder.onnx> --uv head_template.obj --mask uv_face_eye_mask.png [--fixed fixed_displacement_256.npy]',
  options: { uv: { type: 'string' }, mask: { type: 'string' }, fixed: { type: 'string' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 2) throw new CliUsageError('Give the converted E_detail and D_detail ONNX files, in that order');
    if (typeof values.uv !== 'string') throw new CliUsageError("Give DECA's UV layout: --uv head_template.obj");
    if (typeof values.mask !== 'string') throw new CliUsageError("Give DECA's detail mask: --mask uv_face_eye_mask.png");
    const fixed = typeof values.fixed === 'string' ? values.fixed : null;
    const dir = await installDetail({ encoder: positionals[0]!, decoder: positionals[1]!, uvTemplate: values.uv, mask: values.mask, fixed });
    io.out(`Installed DECA's detail networks at ${dir}${fixed ? '' : ' (no fixed displacement: DECA adds fixed_displacement_256.npy; give --fixed to add it)'}`);
    return EXIT.ok;
  },
};
