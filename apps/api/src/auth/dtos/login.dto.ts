import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'office' })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ example: '••••••••' })
  @IsString()
  @Length(1, 128)
  password!: string;
}
